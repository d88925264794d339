"""Feed partners: organisations that subscribe to CARS' public events, with broker users and API keys of their own."""
