"""Public filing alerts: anyone subscribes by e-mail to an entity's new filings (double opt-in)."""
