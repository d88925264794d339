"""Statements of account and the receivables report: what entities owe, as JSON and CSV."""
