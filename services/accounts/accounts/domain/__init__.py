"""Accounts rules in plain Python."""
