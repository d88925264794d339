"""Correspondence rules in plain Python."""
