"""The scheduled jobs: the yearly assessment run and the daily run."""
