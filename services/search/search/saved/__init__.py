"""Saved searches and reports of signed-in people: rerun, rename, schedule alerts on new results, share by link."""
