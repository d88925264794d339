"""Notification rules in plain Python."""
