"""The budget of one sandboxed evaluation: steps, wall time and the size of what the script builds."""
from __future__ import annotations

import contextvars
import time
from contextlib import contextmanager
from typing import NoReturn

from SpiffWorkflow.exceptions import SpiffWorkflowException

# RestrictedPython stops escapes but has no CPU or memory limit, and signals or settrace would tie us to the main
# thread. So the budget is counted by the guards themselves: `while` is refused at compile time, every loop iteration
# and every call of a function defined in the script is a step, and every operation that can build a large value
# (operators, formatting, constructors, methods, slices) is charged for the size it creates before or after it runs.
MAX_STEPS = 100_000  # loop iterations plus calls of script-defined functions
MAX_SECONDS = 1.0  # wall time, checked at every step and every charge
MAX_ALLOC = 10_000_000  # items and characters created per run (a list item is an 8-byte pointer)
MAX_INT_BITS = 65_536  # about 20,000 decimal digits
MAX_RANGE = MAX_STEPS  # a longer range could never be looped over within the budget
MAX_FORMAT_WIDTH = 10_000  # widths and precisions in f-strings and %-formatting
MAX_NODES = 200_000  # values walked when measuring a result or the task data
MAX_DEPTH = 100  # nesting of lists and dicts; deeper values break repr, deepcopy and JSON with RecursionError

_SEQUENCES = (str, bytes, list, tuple)
_CONTAINERS = (*_SEQUENCES, dict, set, frozenset)


class SandboxError(SpiffWorkflowException):
    """A script, expression or condition did something the sandbox refuses."""

    def __str__(self) -> str:
        # Spiff's __str__ always appends ". "; keep the message clean when Spiff added no notes.
        return ". ".join([self.args[0], *self.notes]) if self.args else "refused by the sandbox"


class _Run:
    """The budget of one evaluate or execute call."""

    __slots__ = ("steps", "allocated", "deadline", "error")

    def __init__(self) -> None:
        self.steps = 0
        self.allocated = 0
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


def ensure_room(units: int) -> None:
    """Refuse before building a value that would exceed the allocation budget."""
    if _current().allocated + units > MAX_ALLOC:
        refuse(f"the value would be too large (more than {MAX_ALLOC:,} items or characters per run)")


def charge(units: int) -> None:
    """Add what was just built to the allocation budget."""
    run = _current()
    run.allocated += max(units, 0)
    if run.allocated > MAX_ALLOC:
        refuse(f"the script built too much data (more than {MAX_ALLOC:,} items or characters per run)")


def charged(value):
    """Charge the size of a freshly built value and return it; integers are also capped in bits."""
    if isinstance(value, int):
        check_bits(value.bit_length())
    charge(size_of(value))
    return value


def size_of(value) -> int:
    """Shallow size in items or characters; big integers count per byte above 64 bits."""
    if isinstance(value, _CONTAINERS):
        return len(value)
    if isinstance(value, int):
        return max(value.bit_length() - 64, 0) // 8
    return 0


def measure(value) -> int:
    """Items plus characters in a nested value, refusing one with more than MAX_NODES parts or MAX_DEPTH levels."""
    size, budget, stack = 0, MAX_NODES, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        size += 1
        if isinstance(item, (str, bytes)):
            size += len(item)
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
    if measure(value) > MAX_ALLOC:
        refuse(f"the data would be larger than {MAX_ALLOC:,} items or characters")


def check_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        refuse(f"the integer result would have more than {MAX_INT_BITS:,} bits")


def check_width(number: str) -> None:
    if number == "*" or len(number) > 6 or (number and int(number) > MAX_FORMAT_WIDTH):
        refuse(f"format widths and precisions are limited to {MAX_FORMAT_WIDTH:,}")
