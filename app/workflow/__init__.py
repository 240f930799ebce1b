"""Processes as people use them: start, inbox, complete a task, follow an instance (web pages and services)."""
