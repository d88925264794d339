"""Payments: online payment intents through a payment provider, its signed webhooks, staff-recorded payments."""
