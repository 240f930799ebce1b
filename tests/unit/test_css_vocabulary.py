"""One CSS vocabulary (issue 9): every class a template uses is styled in app/static/app.css, and app.css styles no
class that no template uses any more. A class made in a template from a word (``badge--{{ tone }}``) counts as the
prefix ``badge--``: some styled class must start with it, and each styled ``badge--…`` class counts as used. The
markup written in Python for the rows of long lists (``badge--{tone}``) counts as a template's."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "app" / "templates"
CSS = ROOT / "app" / "static" / "app.css"
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
PYTHON_MARKUP = [ROOT / "app" / "components.py", ROOT / "app" / "workflow" / "inbox_table.py"]
F_STRING_FIELD = re.compile(r"\{[^{}]*\}")


def template_classes() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(class -> templates using it, prefix -> templates making classes from it)."""
    classes: dict[str, set[str]] = {}
    prefixes: dict[str, set[str]] = {}
    for path in TEMPLATES.rglob("*.html"):
        name = str(path.relative_to(TEMPLATES))
        for value in re.findall(r'class="([^"]*)"', path.read_text()):
            for prefix in re.findall(r"([\w-]+)\{\{", value):
                prefixes.setdefault(prefix, set()).add(name)
            words = [word for literal in re.findall(r"'([^']*)'", " ".join(JINJA.findall(value)))
                     for word in literal.split()]
            for word in JINJA.sub(" ", value).split() + words:
                if not word.endswith("-") and re.fullmatch(r"[a-z][\w-]*", word):
                    classes.setdefault(word, set()).add(name)
    for path in PYTHON_MARKUP:
        name = str(path.relative_to(ROOT))
        for value in re.findall(r'class=\\?"([^"\\]*)', path.read_text()):
            for prefix in re.findall(r"([\w-]+)\{", value):
                prefixes.setdefault(prefix, set()).add(name)
            for word in F_STRING_FIELD.sub(" ", value).split():
                if not word.endswith("-") and re.fullmatch(r"[a-z][\w-]*", word):
                    classes.setdefault(word, set()).add(name)
    return classes, prefixes


def styled_classes() -> set[str]:
    rules = re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.S)
    selectors = " ".join(re.findall(r"([^{}]+)\{", rules))
    return set(re.findall(r"\.([a-z][\w-]*)", selectors))


def test_every_class_a_template_uses_is_styled():
    classes, prefixes = template_classes()
    styled = styled_classes()
    unstyled = {name: sorted(where) for name, where in classes.items() if name not in styled}
    unstyled.update({f"{prefix}…": sorted(where) for prefix, where in prefixes.items()
                     if not any(name.startswith(prefix) for name in styled)})
    assert unstyled == {}, "style these in app/static/app.css, or use a component's class"


def test_app_css_styles_nothing_that_no_template_uses():
    classes, prefixes = template_classes()
    unused = sorted(name for name in styled_classes()
                    if name not in classes and not any(name.startswith(prefix) for prefix in prefixes))
    assert unused == [], "no template uses these any more: remove them from app/static/app.css"
