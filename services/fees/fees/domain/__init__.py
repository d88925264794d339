"""Fee rules in plain Python."""
