"""Filings rules in plain Python."""
