"""The exception for form definitions that cannot be used."""


class FormError(Exception):
    """A form that cannot be used: missing, not JSON, not JSON Schema 2020-12 or an unsupported shape."""
