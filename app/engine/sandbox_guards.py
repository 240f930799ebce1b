"""Runtime guards for the script sandbox: every step and every allocation is charged to a per-run budget."""
from __future__ import annotations

import operator
import re
import sys
from collections.abc import Iterator
from datetime import date, timedelta, timezone

from RestrictedPython.Guards import (
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
)
from RestrictedPython.transformer import INSPECT_ATTRIBUTES

from app.clock import ClockDatetime
from app.engine.sandbox_budget import (
    _SEQUENCES,
    MAX_FORMAT_WIDTH,
    MAX_INT_BITS,
    MAX_INT_DIGITS,
    MAX_RANGE,
    charge,
    charged,
    check_bits,
    check_width,
    copy_size,
    ensure_room,
    measure,
    meter,
    meter_all,
    payload,
    refuse,
    size_of,
    text_bytes,
    tick,
)
from app.engine.sandbox_methods import AMPLIFIERS, check_date_texts

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
_DATES = (date, timedelta, timezone)


def _prospective_size(op: str, a, b) -> int:
    """The size an operator's result will have, refusing integers that grow too large."""
    if op == "*" and isinstance(a, int) and isinstance(b, int):
        check_bits(a.bit_length() + b.bit_length())
    elif op == "*" and isinstance(b, int) and isinstance(a, _SEQUENCES):
        return payload(a) * max(b, 0)
    elif op == "*" and isinstance(a, int) and isinstance(b, _SEQUENCES):
        return payload(b) * max(a, 0)
    elif op == "**" and isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1:
        check_bits((a.bit_length() - 1) * b)  # a lower bound: charged() checks the exact result
    elif op == "<<" and isinstance(a, int) and isinstance(b, int) and a and b > 0:
        check_bits(a.bit_length() + b)
    elif op == "+" and isinstance(a, _SEQUENCES) and isinstance(b, _SEQUENCES):
        return payload(a) + payload(b)
    elif op == "%" and isinstance(a, (str, bytes)):
        text = a.decode("latin-1") if isinstance(a, bytes) else a
        for width, precision in _PERCENT_FIELD.findall(text):
            check_width(width)
            check_width(precision)
        return text_bytes(a) + measure(b)
    return 0


def guarded_binop(op: str, a, b):
    """Apply a binary operator after checking the size of its result."""
    ensure_room(_prospective_size(op, a, b))
    return charged(_OPERATORS[op](a, b))


def guarded_inplacevar(op: str, a, b):
    """Apply an augmented assignment (`x += y`); in-place growth of a mutable value is charged."""
    b = meter(b)  # `x += enumerate(...)` extends a list in C
    ensure_room(_prospective_size(op[:-1], a, b))
    before = size_of(a) if isinstance(a, (list, dict, set)) else 0
    result = _INPLACE[op](a, b)
    charge(size_of(result) - before)
    return result


def guarded_format(value, conversion: int, spec: str) -> str:
    """Format one f-string field, refusing huge widths or values."""
    if len(spec) > MAX_FORMAT_WIDTH:
        refuse(f"format specifications are limited to {MAX_FORMAT_WIDTH:,} characters")
    for number in re.findall(r"\d+", spec) if spec else ():
        check_width(number)
    ensure_room(measure(value))
    if conversion in _CONVERSIONS:
        value = _CONVERSIONS[conversion](value)
    return charged(format(value, spec))


def charged_new(value):
    """A list, tuple, set or dict display, a comprehension or an f-string: charge what it built."""
    charge(sys.getsizeof(value))
    return value


def guarded_star(value):
    """The value of `*x` or `**x` in a call, which Python copies: checked if sized, metered if an iterator."""
    ensure_room(copy_size(value))
    return meter(value)


def guarded_scan(value):
    """The right side of `in`: an iterator is scanned under the deadline."""
    return meter(value, retained=False)


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
        before = size_of(self._target)
        ensure_room(copy_size(value) if isinstance(key, slice) else 0)
        self._target[key] = meter(value)
        charge(size_of(self._target) - before)

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
    ensure_room(8 * (len(args) + len(kwargs)))
    return charged(function(*args, **kwargs))


class _CheckedType:
    """Stands in for a builtin type so calling it is charged; isinstance and attributes see the real type."""

    def __init__(self, real: type, pre=lambda value, *rest: copy_size(value)) -> None:
        self._real, self._pre = real, pre

    def __call__(self, *args, **kwargs):
        if args:
            args = meter_all(args)
            ensure_room(self._pre(*args))
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
    kinds, amplifier = AMPLIFIERS.get(name, ((), None))
    of_the_class = isinstance(owner, type) and getattr(value, "__self__", None) is owner  # e.g. dict.fromkeys
    if isinstance(owner, type) and issubclass(owner, kinds) and not of_the_class:
        return _unbound(owner, name)
    if not (isinstance(owner, kinds) or of_the_class):
        amplifier = None
    dated = isinstance(owner, _DATES) or (isinstance(owner, type) and issubclass(owner, _DATES))

    def method(*args, **kwargs):
        args = meter_all(args)
        if dated:
            check_date_texts(args, kwargs)
        if amplifier is not None:
            return amplifier(owner, value, *args, **kwargs)
        return charged(value(*args, **kwargs))

    return method


def _unbound(kind: type, name: str):
    """``str.upper`` and the like: the method of the value it is called on, with that value's checks."""

    def method(value, *args, **kwargs):
        if not isinstance(value, kind):
            raise TypeError(f"{kind.__name__}.{name}() needs a {kind.__name__}, not {type(value).__name__}")
        return guarded_getattr(value, name)(*args, **kwargs)

    return method


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
    return charged(sum(meter(iterable, retained=False), start))


def charged_sorted(iterable, *, key=None, reverse=False) -> list:
    """sorted() with its copy charged."""
    iterable = meter(iterable)
    ensure_room(copy_size(iterable))
    return charged(sorted(iterable, key=key, reverse=reverse))


def _scanning(function):
    """min, max, any, all: iterators they scan are under the deadline."""

    def scan(*args, **kwargs):
        return function(*(meter(arg, retained=False) for arg in args), **kwargs)

    scan.__name__ = function.__name__
    return scan


def checked_round(number, ndigits=None):
    """round() with ndigits limited: round(x, -10**8) would compute 10**(10**8)."""
    if isinstance(ndigits, int) and abs(ndigits) > MAX_INT_DIGITS:
        refuse(f"round() takes at most {MAX_INT_DIGITS:,} digits")
    return charged(round(number, ndigits))


def checked_enumerate(iterable, start=0):
    """enumerate() counting from a small start (each count is a new integer)."""
    if not isinstance(start, int) or start.bit_length() > 64:
        refuse("enumerate() needs a whole number as start")
    return enumerate(iterable, start)


def _int_size(value=0, *args) -> int:
    """Refuse parsing a text longer than the largest allowed integer has digits (decimal parsing is quadratic)."""
    if isinstance(value, (str, bytes)) and len(value) > MAX_INT_BITS:
        refuse(f"int() reads at most {MAX_INT_BITS:,} characters")
    return 0


def _str_size(value=None, *args) -> int:
    """str(x) is at least as long as the text of x."""
    return text_bytes(value) if args else measure(value)


def guarded_isinstance(value, classinfo) -> bool:
    """isinstance() that understands the stand-in types."""
    return isinstance(value, _unwrap(classinfo))


BUILTINS = {
    "len": len, "min": _scanning(min), "max": _scanning(max), "abs": abs, "round": checked_round,
    "any": _scanning(any), "all": _scanning(all), "enumerate": checked_enumerate, "zip": zip,
    "int": _CheckedType(int, _int_size), "float": float, "bool": bool,
    "sum": numeric_sum, "sorted": charged_sorted, "range": capped_range, "isinstance": guarded_isinstance,
    "str": _CheckedType(str, _str_size), "list": _CheckedType(list), "tuple": _CheckedType(tuple),
    "set": _CheckedType(set), "dict": _CheckedType(dict),
    "datetime": ClockDatetime, "date": date, "timedelta": timedelta, "timezone": timezone,
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
    "_new_": charged_new,
    "_star_": guarded_star,
    "_scan_": guarded_scan,
}


def is_transient(value) -> bool:
    """Functions, classes and iterators: script helpers that must not stay in the task data."""
    return callable(value) or isinstance(value, (Iterator, range))
