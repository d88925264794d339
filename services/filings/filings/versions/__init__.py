"""Filing versions: every amendment kept, read and compared, with what the public may see."""
