"""The process models' own texts in the reader's language: step and process names, instructions, form texts.

Models are written in Dutch; gettext catalogs beside them (``bpmn/translations/en.po``, ``forms/translations/en.po``)
translate them, and each deployed version stores the translations of its texts (README: "Translating the process
models"). Templates use the filters ``model_text``, ``task_title`` and ``process_name``.
"""
from app.model_texts.translator import (
    Translator,
    current_locale,
    for_folder,
    for_version,
    model_text,
    process_name,
    register_filters,
    task_title,
)

__all__ = ["Translator", "current_locale", "for_folder", "for_version", "model_text", "process_name",
           "register_filters", "task_title"]
