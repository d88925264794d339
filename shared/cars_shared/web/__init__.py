"""Flask gateway plumbing: app factory, problem responses, health checks, authentication."""
