"""Plumbing shared by every CARS service; no business rule lives here."""
