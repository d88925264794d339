"""PDF templates of correspondence, each versioned; the version used is recorded on the correspondence."""
