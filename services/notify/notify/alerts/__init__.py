"""Public e-mail alerts: anyone subscribes to an entity's new filings or to a shared saved search (double opt-in)."""
