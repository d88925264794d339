"""Search rules in plain Python."""
