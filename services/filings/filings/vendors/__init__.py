"""Vendor software: webhooks and the certification scenarios run in the sandbox."""
