"""Methods whose result can be far larger than their inputs: each is checked against the budget before it runs."""
from __future__ import annotations

from datetime import date

from app.engine.sandbox_budget import (
    _SLOT,
    _SMALL_OBJECT,
    charge,
    charged,
    copy_size,
    ensure_room,
    payload,
    refuse,
    size_of,
    text_bytes,
)

MAX_DATE_TEXT = 1_000  # characters of a text given to a date or time method (strptime compiles its format)
_ASCII_WHITESPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
_ASCII_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e"


def _width(text, *others) -> int:
    """Bytes per character of a result built from these texts."""
    return 1 if all(isinstance(t, bytes) or t.isascii() for t in (text, *others) if isinstance(t, (str, bytes))) else 4


def _pad(text, method, width, *args):
    if isinstance(width, int):
        ensure_room(max(width, len(text)) * _width(text, *args))
    return charged(method(width, *args))


def _expandtabs(text, method, tabsize=8):
    if isinstance(tabsize, int):
        ensure_room(text_bytes(text) + text.count("\t" if isinstance(text, str) else b"\t") * max(tabsize, 0))
    return charged(method(tabsize))


def _replace(text, method, old, new, count=-1):
    hits = text.count(old) if len(old) else len(text) + 1
    hits = min(hits, count) if isinstance(count, int) and count >= 0 else hits
    ensure_room((len(text) + hits * max(len(new) - len(old), 0)) * _width(text, new))
    return charged(method(old, new, count))


def _join(separator, method, iterable):
    items = list(iterable)
    try:
        ensure_room(sum(map(text_bytes, items)) + text_bytes(separator) * max(len(items) - 1, 0))
    except TypeError:
        pass  # not all strings: join raises the proper error below
    return charged(method(items))


def _pieces(text, separator) -> int:
    """At most how many parts splitting ``text`` at ``separator`` (None: any whitespace) gives."""
    if separator is not None:
        return text.count(separator) + 1 if len(separator) else 1
    if isinstance(text, bytes) or text.isascii():
        marks = _ASCII_WHITESPACE.encode() if isinstance(text, bytes) else _ASCII_WHITESPACE
        return sum(text.count(marks[i:i + 1]) for i in range(len(marks))) + 1
    return len(text) // 2 + 1


def _split(text, method, sep=None, maxsplit=-1):
    pieces = _pieces(text, sep)
    if isinstance(maxsplit, int) and maxsplit >= 0:
        pieces = min(pieces, maxsplit + 1)
    ensure_room(text_bytes(text) + pieces * (_SLOT + 2 * _SMALL_OBJECT))  # each part is a new string
    return charged(method(sep, maxsplit))


def _splitlines(text, method, *args, **kwargs):
    if isinstance(text, bytes) or text.isascii():
        breaks = _ASCII_LINE_BREAKS.encode() if isinstance(text, bytes) else _ASCII_LINE_BREAKS
        pieces = sum(text.count(breaks[i:i + 1]) for i in range(len(breaks))) + 1
    else:
        pieces = len(text) + 1
    ensure_room(text_bytes(text) + pieces * (_SLOT + 2 * _SMALL_OBJECT))
    return charged(method(*args, **kwargs))


def _recoded(text, method, *args, **kwargs):
    """Case mapping, encode, decode, hex: the result is at least as long as the text (often up to 4 times)."""
    ensure_room(text_bytes(text))
    return charged(method(*args, **kwargs))


def _to_bytes(number, method, *args, **kwargs):
    length = args[0] if args else kwargs.get("length", 1)
    ensure_room(length if isinstance(length, int) else 0)
    return charged(method(*args, **kwargs))


def _strftime(moment, method, pattern):
    ensure_room(len(pattern) * 20 if isinstance(pattern, str) else 0)  # '%c' expands 2 characters to about 30
    return charged(method(pattern))


def _grow(container, method, *args, **kwargs):
    ensure_room(sum(payload(arg) if isinstance(arg, (str, bytes, list, tuple)) else _SLOT * len(arg)
                    for arg in args if hasattr(arg, "__len__")) + _SLOT * len(kwargs))
    before = size_of(container)
    result = method(*args, **kwargs)
    charge(size_of(container) - before)
    return result


def _copies(owner, method, *args, **kwargs):
    """Set operations and dict.fromkeys copy their arguments into a new hash table."""
    ensure_room(sum(copy_size(arg) for arg in args))
    return charged(method(*args, **kwargs))


def check_date_texts(args, kwargs) -> None:
    """Refuse long texts given to date and time methods (strptime builds a regular expression from its format)."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, str) and len(value) > MAX_DATE_TEXT:
            refuse(f"date and time texts are limited to {MAX_DATE_TEXT:,} characters")


_TEXT = (str, bytes)
_SET_OPERATIONS = ("union", "intersection", "difference", "symmetric_difference", "issubset", "issuperset",
                   "isdisjoint", "intersection_update", "difference_update", "symmetric_difference_update")
_RECODED = ("upper", "lower", "title", "swapcase", "casefold", "capitalize", "encode", "decode", "hex")
AMPLIFIERS = {
    "ljust": (_TEXT, _pad), "rjust": (_TEXT, _pad), "center": (_TEXT, _pad), "zfill": (_TEXT, _pad),
    "expandtabs": (_TEXT, _expandtabs), "replace": (_TEXT, _replace), "join": (_TEXT, _join),
    "split": (_TEXT, _split), "rsplit": (_TEXT, _split), "splitlines": (_TEXT, _splitlines),
    **{name: (_TEXT, _recoded) for name in _RECODED},
    "extend": (list, _grow), "update": ((dict, set), _grow), "to_bytes": (int, _to_bytes),
    "strftime": (date, _strftime), "fromkeys": (dict, _copies),
    **{name: ((set, frozenset), _copies) for name in _SET_OPERATIONS},
}
