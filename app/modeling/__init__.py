"""Modeling: process versions as admins deploy them, from the command line and the API."""
