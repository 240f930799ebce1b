"""app.engine.sandbox: escape attempts and resource exhaustion, each refused with SandboxError and without effect."""
from __future__ import annotations

import time

import pytest

from app.engine.sandbox import SandboxedEnvironment, SandboxError, check_script

# Each script would create the marker file (or reach something that could) if the sandbox let it through.
ESCAPES = {
    "import": "import os\nos.system('touch {marker}')",
    "from import": "from os import system\nsystem('touch {marker}')",
    "import inside try": "try:\n    import os\nexcept Exception:\n    pass",
    "__import__": "__import__('os').system('touch {marker}')",
    "open": "open('{marker}', 'w').write('x')",
    "with open": "with open('{marker}', 'w') as f:\n    pass",
    "subclasses walk": "x = ().__class__.__base__.__subclasses__()",
    "subclasses to os": "[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == '_wrap_close'][0]"
                        ".__init__.__globals__['system']('touch {marker}')",
    "getattr": "y = getattr((), '__class__')",
    "getattr computed name": "y = getattr(x, '_' + '_class__')",
    "type": "y = type(x)",
    "type three arguments": "y = type('A', (), {{}})",
    "object": "y = object.__subclasses__()",
    "eval": "y = eval('1')",
    "exec": "exec('y = 1')",
    "compile": "y = compile('1', 'f', 'eval')",
    "globals": "y = globals()",
    "vars": "y = vars()",
    "locals": "y = locals()",
    "dir": "y = dir()",
    "lambda code": "y = (lambda: 0).__code__",
    "generator frame": "y = (i for i in []).gi_frame.f_globals",
    "generator frame via variable": "g = (i for i in [])\ny = g.gi_frame",
    "function globals": "def f():\n    pass\ny = f.__globals__",
    "traceback frame": "try:\n    1 / 0\nexcept Exception as err:\n    y = err.__traceback__.tb_frame",
    "format attribute": "y = '{{0.__class__}}'.format(1)",
    "format method only": "y = 'x'.format",
    "format_map": "y = '{{a.__class__}}'.format_map({{'a': 1}})",
    "str.format_map": "y = str.format_map('{{a}}', {{'a': 1}})",
    "str.format via stand-in": "f = str.format\ny = f('{{0.__class__}}', 1)",
    "datetime subclasses": "y = datetime.__subclasses__()",
    "mro": "y = date.mro()",
    "__builtins__": "y = __builtins__",
    "__builtins__ item": "y = __builtins__['open']",
    "print": "print('hi')",
    "breakpoint": "breakpoint()",
    "input": "y = input()",
    "setattr": "setattr(datetime, 'now', 1)",
    "attribute write": "d = datetime.now()\nd.year = 1",
    "hasattr": "y = hasattr(x, '__class__')",
    "iter and next": "y = next(iter([1]))",
    "memoryview": "y = memoryview(b'x')",
    "class definition": "class A:\n    pass",
    "dunder name": "__name__ = 'x'",
    "swallowed refusal": "try:\n    y = 'a'.format()\nexcept Exception:\n    y = 'swallowed'",
    "exception group": "try:\n    pass\nexcept* ValueError:\n    pass",
    "async": "async def f():\n    pass",
}

# Each would hang the worker or exhaust its memory without the budget.
HUGE = {
    "while True": "while True:\n    pass",
    "huge range loop": "for i in range(10**12):\n    pass",
    "list repeat": "y = [0] * 10**10",
    "string repeat": "y = 'a' * 10**10",
    "tuple repeat": "y = (1,) * 10**10",
    "bytes repeat": "y = b'a' * 10**10",
    "power tower": "y = 10 ** 10 ** 10",
    "power": "y = 3 ** 100000",
    "sum of huge range": "y = sum(range(10**12))",
    "nested comprehension": "y = [i for i in range(10**5) for j in range(10**5)]",
    "nested generator": "y = sum(1 for i in range(10**5) for j in range(10**5))",
    "shift": "y = 1 << 10**10",
    "augmented shift": "y = 1\ny <<= 10**10",
    "augmented repeat": "y = 'a'\ny *= 10**10",
    "squaring loop": "y = 2\nfor i in range(100):\n    y = y * y",
    "doubling by +": "y = ['a' * 1000000]\nfor i in range(60):\n    y = y + y",
    "doubling by +=": "y = 'a' * 1000000\nfor i in range(60):\n    y += y",
    "doubling by extend": "y = [1]\nfor i in range(60):\n    y.extend(y)",
    "doubling by slice assignment": "y = [1]\nfor i in range(60):\n    y[len(y):] = y",
    "retained copies": "s = 'a' * 1000000\nk = [s.upper() for i in range(1000)]",
    "retained list copies": "s = list(range(100000))\nk = [list(s) for i in range(1000)]",
    "padding": "y = 'a'.center(10**10)",
    "zfill": "y = '1'.zfill(10**10)",
    "expandtabs": "y = '\\t'.expandtabs(10**9)",
    "replace": "y = ('a' * 10000).replace('a', 'b' * 10000)",
    "join": "y = ','.join(['a' * 1000000] * 1000)",
    "to_bytes": "y = (1).to_bytes(10**9, 'big')",
    "int from binary text": "y = int('1' * 1000000, 2)",
    "f-string width": "y = f'{1:>1000000000}'",
    "f-string precision": "y = f'{1.5:.1000000000f}'",
    "percent width": "y = '%1000000000d' % 1",
    "percent star width": "y = '%*d' % (10**9, 1)",
    "str of a big list": "y = str(['a' * 1000000] * 1000)",
    "f-string of a big list": "y = f'{[\"a\" * 1000000] * 1000}'",
    "shared references": "y = [1]\nfor i in range(60):\n    y = [y, y]",
    "self reference": "y = [1]\ny.append(y)\nz = str(y)",
    "deep nesting": "y = []\nfor i in range(90000):\n    y = [y]",
    "exponential lambda": "f = lambda n: n == 0 or (f(n - 1) and f(n - 1))\ny = f(60)",
    "exponential function": "def f(n):\n    return n == 0 or (f(n - 1) and f(n - 1))\ny = f(60)",
    "sum of lists": "y = sum([[1]] * 100000, [])",
    "unpacking copy": "s = list(range(100000))\ny = [[*s] for i in range(1000)]",
    "swallowed budget": "for i in range(10):\n    try:\n        for j in range(10**5):\n            pass\n    except Exception:\n        pass",
    "pow": "y = pow(10, 10**8)",
    "divmod": "y = divmod(10**10**8, 7)",
    "bytes": "y = bytes(10**9)",
    "bytearray": "y = bytearray(10**9)",
    "format builtin": "y = format(1, '>1000000000')",
    "str.format width": "y = '{:>1000000000}'.format(1)",
    "list of a huge range": "y = list(range(10**9))",
    "repeat of a repeat": "y = [0] * 1000000\nz = y * 1000000",
    "join over a generator": "y = ','.join(str(i) for i in range(10**5) for j in range(10**5))",
}


@pytest.fixture
def env():
    return SandboxedEnvironment()


@pytest.mark.parametrize("template", ESCAPES.values(), ids=ESCAPES.keys())
def test_escape_is_refused_without_effect(env, tmp_path, template):
    marker = tmp_path / "escaped"
    data = {"x": 1}
    with pytest.raises(SandboxError):
        env.execute(template.format(marker=marker), data)
    assert not marker.exists()
    assert set(data) <= {"x", "f", "g", "d", "y", "err"}  # nothing but the script's own variables


@pytest.mark.parametrize(
    "name", ["import", "__import__", "open", "subclasses walk", "getattr computed name", "type", "eval", "exec",
             "globals", "lambda code", "generator frame", "datetime subclasses", "__builtins__", "print",
             "class definition", "while True"],
)
def test_compile_time_refusals_are_found_by_check_script(name):
    source = {**ESCAPES, **HUGE}[name]
    with pytest.raises(SandboxError):
        check_script(source.format(marker="/nonexistent"))


@pytest.mark.parametrize("script", HUGE.values(), ids=HUGE.keys())
def test_huge_work_is_refused_quickly(env, script):
    started = time.monotonic()
    with pytest.raises(SandboxError):
        env.execute(script, {})
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize(
    "expression", ["sum(range(10**12))", "'PT1S' * 10**10", "[0] * 10**10", "10 ** 10 ** 10", "1 << 10**10",
                   "len([i for i in range(10**5) for j in range(10**5)])", "x.__class__"],
)
def test_huge_or_forbidden_expressions_are_refused(env, expression):
    with pytest.raises(SandboxError):
        env.evaluate(expression, {"x": 1})


def test_slow_work_inside_the_budget_is_stopped_by_the_deadline(env):
    started = time.monotonic()
    with pytest.raises(SandboxError, match="longer than"):
        env.execute("for i in range(100000):\n    y = sum(range(100000))", {})
    assert time.monotonic() - started < 2


def test_the_budget_is_per_run(env):
    for _ in range(3):
        env.execute("for i in range(90000):\n    pass", {})
