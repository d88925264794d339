"""Vendors of filing software: organisations, API credentials, certification, authorisations by entities."""
