"""Filing deadlines: what each entity must file by when, and the filings found late."""
