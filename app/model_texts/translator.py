"""Model texts in the reader's language: the translations a version was deployed with, parsed once per
(version, checksum, locale). A text without a translation stays Dutch: a model is never unreadable."""
from __future__ import annotations

from pathlib import Path

from flask_babel import get_locale

from app.model_texts.catalogs import CATALOG_FOLDER, SOURCE_LOCALE, read_folder


class Translator:
    """Dutch model text -> the text in one locale (the Dutch text itself when there is no translation)."""

    __slots__ = ("_texts",)

    def __init__(self, texts: dict[str, str]) -> None:
        self._texts = texts

    def __call__(self, text: str | None) -> str | None:
        return self._texts.get(text, text) if text else text


DUTCH = Translator({})
_BY_VERSION: dict[tuple[int, str, str], Translator] = {}


def current_locale() -> str:
    """The language of the current request ("nl" outside one, or when the app speaks no other)."""
    locale = get_locale()
    return locale.language if locale is not None else SOURCE_LOCALE


def for_version(version, locale: str | None = None) -> Translator:
    """The translator of a ProcessModelVersion; reads its ``translations`` column once per version and locale."""
    locale = locale or current_locale()
    if locale == SOURCE_LOCALE:
        return DUTCH
    key = (version.id, version.checksum, locale)
    translator = _BY_VERSION.get(key)
    if translator is None:
        translator = _BY_VERSION[key] = Translator(dict((_translations(version) or {}).get(locale, {})))
    return translator


def _translations(version) -> dict | None:
    """A version's own translations; one deployed without any (before the models were translated) borrows the
    current version's: a text is keyed by its Dutch words, so a shared text reads the same."""
    if version.translations is not None:
        return version.translations
    current = version.model.current_version
    return current.translations if current is not None and current.id != version.id else None


def for_folder(folder: Path, locale: str | None = None) -> Translator:
    """The translator of forms read straight from a folder (the dossier forms): ``FOLDER/translations/LOCALE.po``."""
    locale = locale or current_locale()
    if locale == SOURCE_LOCALE:
        return DUTCH
    return Translator(read_folder(Path(folder) / CATALOG_FOLDER).get(locale, {}))


def model_text(text: str | None, version, locale: str | None = None) -> str | None:
    """``text`` of ``version`` (a step name, a history step, the process name) in the reader's language."""
    return for_version(version, locale)(text)


def task_title(task, locale: str | None = None) -> str:
    """A task's step name (Task.title, projected in Dutch) in the reader's language."""
    return model_text(task.title, task.instance.model_version, locale)


def process_name(version, locale: str | None = None) -> str:
    """The name of a version's process (ProcessModel.name) in the reader's language."""
    return model_text(version.model.name, version, locale)


def register_filters(app) -> None:
    """``{{ text|model_text(version) }}``, ``{{ task|task_title }}``, ``{{ version|process_name }}``."""
    app.jinja_env.filters.update(model_text=model_text, task_title=task_title, process_name=process_name)
