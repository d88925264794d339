"""Notify rules in plain Python."""
