"""Exports of search results: streamed CSV and JSON Lines up to a row cap, and asynchronous export jobs above it."""
