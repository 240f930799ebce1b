"""Runtime guards for the script sandbox: every step and every allocation is charged to a per-run budget."""
from __future__ import annotations

import operator
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

from RestrictedPython.Guards import (
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
)
from RestrictedPython.transformer import INSPECT_ATTRIBUTES

from app.engine.sandbox_budget import (
    _SEQUENCES,
    MAX_FORMAT_WIDTH,
    MAX_RANGE,
    charge,
    charged,
    check_bits,
    check_width,
    ensure_room,
    measure,
    refuse,
    size_of,
    tick,
)

_REFUSED_ATTRIBUTES = INSPECT_ATTRIBUTES | {"format", "format_map", "mro", "translate", "maketrans"}
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(\*|\d+)?(?:\.(\*|\d+))?")
_OPERATORS = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "//": operator.floordiv,
    "%": operator.mod, "**": operator.pow, "<<": operator.lshift, ">>": operator.rshift, "|": operator.or_,
    "^": operator.xor, "&": operator.and_, "@": operator.matmul,
}
_INPLACE = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow, "<<=": operator.ilshift,
    ">>=": operator.irshift, "|=": operator.ior, "^=": operator.ixor, "&=": operator.iand, "@=": operator.imatmul,
}
_CONVERSIONS = {ord("s"): str, ord("r"): repr, ord("a"): ascii}


def _prospective_size(op: str, a, b) -> int:
    """The size an operator's result will have, refusing integers that grow too large."""
    if op == "*" and isinstance(a, int) and isinstance(b, int):
        check_bits(a.bit_length() + b.bit_length())
    elif op == "*" and isinstance(b, int) and isinstance(a, _SEQUENCES):
        return len(a) * max(b, 0)
    elif op == "*" and isinstance(a, int) and isinstance(b, _SEQUENCES):
        return len(b) * max(a, 0)
    elif op == "**" and isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1:
        check_bits((a.bit_length() - 1) * b)  # a lower bound: charged() checks the exact result
    elif op == "<<" and isinstance(a, int) and isinstance(b, int) and a and b > 0:
        check_bits(a.bit_length() + b)
    elif op == "+" and isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES):
        return len(a) + len(b)
    elif op == "%" and isinstance(a, (str, bytes)):
        text = a.decode("latin-1") if isinstance(a, bytes) else a
        for width, precision in _PERCENT_FIELD.findall(text):
            check_width(width)
            check_width(precision)
        return len(a) + measure(b)
    return 0


def guarded_binop(op: str, a, b):
    """Apply a binary operator after checking the size of its result."""
    ensure_room(_prospective_size(op, a, b))
    return charged(_OPERATORS[op](a, b))


def guarded_inplacevar(op: str, a, b):
    """Apply an augmented assignment (`x += y`); in-place growth of a mutable value is charged."""
    ensure_room(_prospective_size(op[:-1], a, b))
    before = size_of(a) if isinstance(a, (list, dict, set)) else 0
    result = _INPLACE[op](a, b)
    charge(size_of(result) - before)
    return result


def guarded_format(value, conversion: int, spec: str) -> str:
    """Format one f-string field, refusing huge widths or values."""
    if len(spec) > MAX_FORMAT_WIDTH:
        refuse(f"format specifications are limited to {MAX_FORMAT_WIDTH:,} characters")
    for number in re.findall(r"\d+", spec):
        check_width(number)
    ensure_room(measure(value))
    if conversion in _CONVERSIONS:
        value = _CONVERSIONS[conversion](value)
    return charged(format(value, spec))


def guarded_iter(iterable):
    """Iterate, counting every item as a step."""
    for item in iterable:
        tick()
        yield item


def guarded_getitem(container, key):
    """Subscript; slices copy, so their result is charged."""
    result = _unwrap(container)[key]
    return charged(result) if isinstance(key, slice) else result


class _ListWriter:
    """Write proxy for lists: growth through slice assignment is charged."""

    __slots__ = ("_target",)

    def __init__(self, target: list) -> None:
        self._target = target

    def __setitem__(self, key, value) -> None:
        before = len(self._target)
        ensure_room(len(value) if isinstance(key, slice) and hasattr(value, "__len__") else 0)
        self._target[key] = value
        charge(len(self._target) - before)

    def __delitem__(self, key) -> None:
        del self._target[key]


def guarded_write(target):
    """Allow item assignment on dicts and lists only; objects are never written to."""
    if isinstance(target, dict):
        return target
    if isinstance(target, list):
        return _ListWriter(target)
    refuse(f"changing a {type(target).__name__} object is not allowed")


def guarded_apply(function, *args, **kwargs):
    """Call with *args/**kwargs; the unpacked copies count against the budget."""
    ensure_room(len(args) + len(kwargs))
    return charged(function(*args, **kwargs))


class _CheckedType:
    """Stands in for a builtin type so calling it is charged; isinstance and attributes see the real type."""

    def __init__(self, real: type, pre=size_of) -> None:
        self._real, self._pre = real, pre

    def __call__(self, *args, **kwargs):
        ensure_room(self._pre(args[0]) if args else 0)
        return charged(self._real(*args, **kwargs))

    def __repr__(self) -> str:
        return repr(self._real)


def _unwrap(value):
    if isinstance(value, _CheckedType):
        return value._real
    if isinstance(value, tuple):
        return tuple(_unwrap(item) for item in value)
    return value


def guarded_getattr(owner, name):
    """Read a public attribute; methods come back wrapped so what they build is charged."""
    if not isinstance(name, str) or name.startswith("_") or name in _REFUSED_ATTRIBUTES:
        refuse(f"the attribute {name!r} is not allowed")
    owner = _unwrap(owner)
    value = getattr(owner, name)
    if not callable(value):
        return value
    kinds, amplifier = _AMPLIFIERS.get(name, ((), None))
    if isinstance(owner, type) and issubclass(owner, kinds):
        refuse(f"{owner.__name__}.{name} is not allowed; call {name}() on a value instead")
    if not isinstance(owner, kinds):
        amplifier = None

    def method(*args, **kwargs):
        if amplifier is not None:
            return amplifier(owner, value, *args, **kwargs)
        return charged(value(*args, **kwargs))

    return method


def _pad(text, method, width, *args):
    ensure_room(max(width, len(text)) if isinstance(width, int) else 0)
    return charged(method(width, *args))


def _expandtabs(text, method, tabsize=8):
    ensure_room(len(text) * max(tabsize, 1) if isinstance(tabsize, int) else 0)
    return charged(method(tabsize))


def _replace(text, method, old, new, count=-1):
    hits = text.count(old) if len(old) else len(text) + 1
    hits = min(hits, count) if isinstance(count, int) and count >= 0 else hits
    ensure_room(len(text) + hits * max(len(new) - len(old), 0))
    return charged(method(old, new, count))


def _join(separator, method, iterable):
    items = list(iterable)
    try:
        ensure_room(sum(map(len, items)) + len(separator) * max(len(items) - 1, 0))
    except TypeError:
        pass  # not all strings: join raises the proper error below
    return charged(method(items))


def _to_bytes(number, method, *args, **kwargs):
    length = args[0] if args else kwargs.get("length", 1)
    ensure_room(length if isinstance(length, int) else 0)
    return charged(method(*args, **kwargs))


def _strftime(moment, method, pattern):
    ensure_room(len(pattern) * 20 if isinstance(pattern, str) else 0)  # '%c' expands 2 characters to about 30
    return charged(method(pattern))


def _grow(container, method, *args, **kwargs):
    ensure_room(sum(len(arg) for arg in args if hasattr(arg, "__len__")) + len(kwargs))
    before = len(container)
    result = method(*args, **kwargs)
    charge(len(container) - before)
    return result


# Methods whose result can be far larger than their inputs: checked before they run.
_TEXT = (str, bytes)
_AMPLIFIERS = {
    "ljust": (_TEXT, _pad), "rjust": (_TEXT, _pad), "center": (_TEXT, _pad), "zfill": (_TEXT, _pad),
    "expandtabs": (_TEXT, _expandtabs), "replace": (_TEXT, _replace), "join": (_TEXT, _join),
    "extend": (list, _grow), "update": ((dict, set), _grow), "to_bytes": (int, _to_bytes),
    "strftime": (date, _strftime),
}


def capped_range(*args) -> range:
    """range() limited to MAX_RANGE items."""
    numbers = range(*args)
    try:
        length = len(numbers)
    except OverflowError:
        length = MAX_RANGE + 1
    if length > MAX_RANGE:
        refuse(f"range() is limited to {MAX_RANGE:,} items")
    return numbers


def numeric_sum(iterable, start=0):
    """sum() of numbers or durations only: adding lists or strings this way is quadratic."""
    if not isinstance(start, (int, float, complex, timedelta)):
        refuse("sum() only adds numbers or durations")
    return charged(sum(iterable, start))


def charged_sorted(iterable, *, key=None, reverse=False) -> list:
    """sorted() with its copy charged."""
    ensure_room(size_of(iterable))
    return charged(sorted(iterable, key=key, reverse=reverse))


def guarded_isinstance(value, classinfo) -> bool:
    """isinstance() that understands the stand-in types."""
    return isinstance(value, _unwrap(classinfo))


BUILTINS = {
    "len": len, "min": min, "max": max, "abs": abs, "round": round, "any": any, "all": all,
    "enumerate": enumerate, "zip": zip, "int": _CheckedType(int), "float": float, "bool": bool,
    "sum": numeric_sum, "sorted": charged_sorted, "range": capped_range, "isinstance": guarded_isinstance,
    "str": _CheckedType(str, measure), "list": _CheckedType(list), "tuple": _CheckedType(tuple),
    "set": _CheckedType(set), "dict": _CheckedType(dict),
    "datetime": datetime, "date": date, "timedelta": timedelta, "timezone": timezone,
    "Exception": Exception, "ValueError": ValueError, "TypeError": TypeError, "KeyError": KeyError,
    "IndexError": IndexError, "LookupError": LookupError, "ArithmeticError": ArithmeticError,
    "ZeroDivisionError": ZeroDivisionError, "AttributeError": AttributeError,
}

# Names the rewritten code calls; set after the task data, so data can never shadow them.
GLOBALS = {
    "__builtins__": BUILTINS,
    "_getattr_": guarded_getattr,
    "_getitem_": guarded_getitem,
    "_getiter_": guarded_iter,
    "_write_": guarded_write,
    "_inplacevar_": guarded_inplacevar,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_apply_": guarded_apply,
    "_binop_": guarded_binop,
    "_format_": guarded_format,
    "_tick_": tick,
}


def is_transient(value) -> bool:
    """Functions, classes and iterators: script helpers that must not stay in the task data."""
    return callable(value) or isinstance(value, (Iterator, range))
