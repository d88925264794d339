"""Staff work on accounts: waivers, adjustments, reversals, written notices, and the log of every action."""
