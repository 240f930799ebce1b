"""The budget of one sandboxed evaluation: steps, wall time and the size of what the script builds."""
from __future__ import annotations

import contextvars
import sys
import time
from collections.abc import Iterator, KeysView, ValuesView
from contextlib import contextmanager
from types import GeneratorType
from typing import NoReturn

from SpiffWorkflow.exceptions import SpiffWorkflowException

# RestrictedPython stops escapes but has no CPU or memory limit, and signals or settrace would tie us to the main
# thread. So the budget is counted by the guards themselves: `while` is refused at compile time, every loop iteration
# and every call of a function defined in the script is a step, and every operation that can build a large value
# (operators, formatting, constructors, methods, slices, literals) is charged for the bytes it creates: checked
# before it runs wherever the size can be known from the arguments, and charged exactly after. Builtins that loop in C
# over an iterator (sorted(enumerate(s)), max(zip(a, b)), x in ...) get it metered: deadline and bytes every 1024 items.
MAX_STEPS = 100_000  # loop iterations plus calls of script-defined functions
MAX_SECONDS = 1.0  # wall time, checked at every step and every charge
DEFAULT_MAX_BYTES = 16 * 1024 * 1024  # bytes created per run; the setting sandbox_max_bytes replaces it
MAX_INT_BITS = 65_536  # about 20,000 decimal digits
MAX_INT_DIGITS = MAX_INT_BITS * 30_103 // 100_000 + 1  # decimal digits of the largest allowed integer
MAX_RANGE = MAX_STEPS  # a longer range could never be looped over within the budget
MAX_FORMAT_WIDTH = 10_000  # widths and precisions in f-strings and %-formatting
MAX_NODES = 200_000  # values walked when measuring a result or the task data
MAX_DEPTH = 100  # nesting of lists and dicts; deeper values break repr, deepcopy and JSON with RecursionError

_SEQUENCES = (str, bytes, list, tuple)
_CONTAINERS = (*_SEQUENCES, dict, set, frozenset)
_SIZED = (*_CONTAINERS, bytearray)
_SLOT = 8  # a pointer in a list, tuple or iterator's consumer
_SMALL_OBJECT = 32  # the least a fresh int, float or one-character string costs
_TIME_CHECK_EVERY = 1024  # items iterated in C between two deadline checks
_WIDE_HEADER = sys.getsizeof("\xe9") - 2  # a non-ASCII str: this header, then (length + 1) characters
_max_bytes = DEFAULT_MAX_BYTES


def configure(max_bytes: int) -> None:
    """Set this process's byte budget per run (the web in create_app, the worker in run_worker)."""
    global _max_bytes
    if max_bytes < 1:
        raise ValueError("SANDBOX_MAX_BYTES must be a positive number of bytes")
    _max_bytes = max_bytes


class SandboxError(SpiffWorkflowException):
    """A script, expression or condition did something the sandbox refuses."""

    def __str__(self) -> str:
        # Spiff's __str__ always appends ". "; keep the message clean when Spiff added no notes.
        return ". ".join([self.args[0], *self.notes]) if self.args else "refused by the sandbox"


class _Run:
    """The budget of one evaluate or execute call."""

    __slots__ = ("steps", "allocated", "max_bytes", "deadline", "error")

    def __init__(self) -> None:
        self.steps = 0
        self.allocated = 0
        self.max_bytes = _max_bytes
        self.deadline = time.monotonic() + MAX_SECONDS
        self.error: SandboxError | None = None


_RUN: contextvars.ContextVar[_Run] = contextvars.ContextVar("sandbox_run")


@contextmanager
def running():
    """Give the enclosed evaluation a fresh budget; re-raise a refusal the script caught itself."""
    run = _Run()
    token = _RUN.set(run)
    try:
        yield run
    except RecursionError as err:
        raise run.error or SandboxError("the script nests its calls or values too deeply") from err
    except Exception as err:
        if run.error is not None and run.error is not err:
            raise run.error from err
        raise
    finally:
        _RUN.reset(token)
    if run.error is not None:
        raise run.error


def refuse(message: str) -> NoReturn:
    """Raise SandboxError and remember it, so a script cannot swallow it with try/except."""
    error = SandboxError(message)
    run = _RUN.get(None)
    if run is not None and run.error is None:
        run.error = error
    raise error


def _current() -> _Run:
    run = _RUN.get(None)
    if run is None:
        refuse("sandboxed code ran outside an evaluation")
    if time.monotonic() > run.deadline:
        refuse(f"the script ran longer than {MAX_SECONDS} s")
    return run


def tick() -> None:
    """Count one loop iteration or function call."""
    run = _current()
    run.steps += 1
    if run.steps > MAX_STEPS:
        refuse(f"more than {MAX_STEPS:,} loop iterations or function calls")


def check_time() -> None:
    """Refuse once the deadline has passed."""
    _current()


def _too_large(run: _Run) -> NoReturn:
    refuse(f"the value would be too large (more than {run.max_bytes:,} bytes per run)")


def ensure_room(nbytes: int) -> None:
    """Refuse before building a value that would exceed the byte budget."""
    if nbytes <= 0:
        return
    run = _current()
    if run.allocated + nbytes > run.max_bytes:
        _too_large(run)


def charge(nbytes: int) -> None:
    """Add what was just built to the byte budget (kept short: every literal and call result passes here)."""
    run = _RUN.get(None)
    if run is None:
        refuse("sandboxed code ran outside an evaluation")
    run.allocated += max(nbytes, 0)
    if run.allocated > run.max_bytes:
        _too_large(run)
    if time.monotonic() > run.deadline:
        refuse(f"the script ran longer than {MAX_SECONDS} s")


def charged(value):
    """Charge the size of a freshly built value and return it; integers are also capped in bits."""
    if isinstance(value, int):
        check_bits(value.bit_length())
    charge(size_of(value))
    return value


def size_of(value) -> int:
    """Bytes a value occupies itself (shared parts not counted); integers up to 64 bits are free."""
    if isinstance(value, _SIZED):
        return sys.getsizeof(value)
    if isinstance(value, int) and value.bit_length() > 64:
        return sys.getsizeof(value)
    return 0


def text_bytes(text) -> int:
    """Bytes of the characters of a str (1, 2 or 4 each, as Python stores it) or of bytes."""
    if isinstance(text, str):
        if text.isascii():
            return len(text)
        return (sys.getsizeof(text) - _WIDE_HEADER) // (len(text) + 1) * len(text)
    return len(text) if isinstance(text, (bytes, bytearray)) else 0


def payload(value) -> int:
    """Bytes of a sequence's contents: its characters, or 8 per item."""
    if isinstance(value, (list, tuple)):
        return _SLOT * len(value)
    return text_bytes(value)


def copy_size(iterable) -> int:
    """Bytes at least a list, set, dict or string built from a sized ``iterable`` takes, new items included."""
    if isinstance(iterable, str) and not iterable.isascii():
        return (_SLOT + 2 * _SMALL_OBJECT) * len(iterable)  # characters above U+00FF become new strings
    if isinstance(iterable, range):
        return (_SLOT + _SMALL_OBJECT) * len(iterable)
    if isinstance(iterable, (*_CONTAINERS, KeysView, ValuesView)):
        return _SLOT * len(iterable)
    if hasattr(iterable, "__len__") and hasattr(iterable, "__iter__"):
        return (_SLOT + 2 * _SMALL_OBJECT) * len(iterable)  # dict items: a new pair each
    return 0


def _fresh_size(item) -> int:
    """Bytes of an item an iterator makes as it goes: enumerate's and zip's pairs, range's integers."""
    if type(item) is tuple:
        return sys.getsizeof(item) + _SMALL_OBJECT * len(item)
    if isinstance(item, (int, float)):
        return _SMALL_OBJECT + size_of(item)
    return 0


def metered(iterator: Iterator, retained: bool):
    """Pass ``iterator``'s items to C code that consumes them, under the deadline and, if kept, the byte budget.
    The items of one batch come from one iterator and have one shape, so the first one's size stands for all."""
    pending = unit = 0
    for count, item in enumerate(iterator):
        if count % _TIME_CHECK_EVERY == 0:
            charge(pending)
            pending, unit = 0, (_SLOT + _fresh_size(item) if retained else 0)
        pending += unit
        yield item
    charge(pending)


def _unmetered(value) -> bool:
    """Iterators built in C (enumerate, zip, ...); the script's own generators tick at every item already."""
    return isinstance(value, Iterator) and not isinstance(value, GeneratorType)


def meter(value, retained: bool = True):
    """An iterator argument of a builtin or method, metered; any other argument as it is."""
    return metered(value, retained) if _unmetered(value) else value


def meter_all(args: tuple) -> tuple:
    """The arguments of a call with every iterator among them metered (the common case returns at once)."""
    for arg in args:
        if _unmetered(arg):
            return tuple(meter(value) for value in args)
    return args


def measure(value) -> int:
    """Bytes of a nested value (shared parts counted each time), refusing over MAX_NODES parts or MAX_DEPTH levels."""
    if not isinstance(value, _CONTAINERS):
        return size_of(value)
    size, budget, stack = 0, MAX_NODES, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        size += size_of(item)
        if isinstance(item, (str, bytes)):
            continue
        if isinstance(item, dict):
            budget -= 2 * len(item)
            groups = (item.keys(), item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            budget -= len(item)
            groups = (item,)
        else:
            continue
        if budget < 0:
            refuse(f"the value has more than {MAX_NODES:,} nested parts")
        if depth >= MAX_DEPTH:
            refuse(f"the value is nested more than {MAX_DEPTH} levels deep")
        for group in groups:
            stack.extend((child, depth + 1) for child in group)
    return size


def check_data(value) -> None:
    """Refuse a result or task data too big to keep (shared references can make it explode when serialised)."""
    limit = _current().max_bytes
    if measure(value) > limit:
        refuse(f"the data would be larger than {limit:,} bytes")


def check_bits(bits: int) -> None:
    """Refuse an integer result of more than MAX_INT_BITS bits."""
    if bits > MAX_INT_BITS:
        refuse(f"the integer result would have more than {MAX_INT_BITS:,} bits")


def check_width(number: str) -> None:
    """Refuse a format width or precision above MAX_FORMAT_WIDTH (or one given by '*')."""
    if number == "*" or len(number) > 6 or (number and int(number) > MAX_FORMAT_WIDTH):
        refuse(f"format widths and precisions are limited to {MAX_FORMAT_WIDTH:,}")
