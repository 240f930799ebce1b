"""Login, passwords, API tokens, roles and the authorization policy."""
