"""JSON Schema forms: load a form, render it as accessible HTML, read and validate submissions.

Templates import the macros from ``forms/_macros.html`` (render_form, render_field, render_values).
"""

from app.forms.definition import FormDefinition, load_form
from app.forms.errors import FormError
from app.forms.fields import Field
from app.forms.submission import parse_submission
from app.forms.uploads import FileRejected
from app.forms.validation import is_clean_text, validate_data

__all__ = [
    "Field",
    "FileRejected",
    "FormDefinition",
    "FormError",
    "is_clean_text",
    "load_form",
    "parse_submission",
    "validate_data",
]
