"""The JSON API under /api/v1 for integrations, with bearer tokens."""
