"""Submissions: receiving, checking and accepting filings, in the production and sandbox spaces."""
