"""RestrictedPython sandbox for BPMN scripts, gateway conditions, DMN cells and timer expressions."""
from __future__ import annotations

import ast
import builtins
import functools
import json
from types import CodeType

from RestrictedPython import (
    RestrictingNodeTransformer,
    compile_restricted_eval,
    compile_restricted_exec,
)
from RestrictedPython.transformer import IOPERATOR_TO_STR
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import (
    BasePythonScriptEngineEnvironment,
)
from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timers

from app.clock import ClockDatetime
from app.engine import sandbox_guards as guards
from app.engine.sandbox_budget import SandboxError, check_data, running

# SpiffWorkflow's timers read the time with datetime.now() and offer no hook: give them the program's clock, so that a
# scenario test's moved clock (app/clock.py) reaches them too. With the real clock nothing changes.
spiff_timers.datetime = ClockDatetime

__all__ = ["SandboxError", "SandboxedEnvironment", "SandboxedScriptEngine", "check_expression", "check_script"]

# Calling any other builtin is refused at compile time; a variable of that name in the task data still reads fine.
_REFUSED_CALLS = frozenset(dir(builtins)) - set(guards.BUILTINS) - {"print", "eval", "exec"}  # own messages


def _call(name: str, like: ast.AST, *args: ast.expr) -> ast.Call:
    """A call of a guard, placed at the source position of ``like``."""
    call = ast.Call(func=ast.Name(name, ast.Load()), args=list(args), keywords=[])
    return ast.fix_missing_locations(ast.copy_location(call, like))


def _charged_if_loaded(node: ast.List | ast.Tuple) -> ast.AST:
    """A list or tuple display wrapped in the charge of what it builds; assignment targets stay as they are,
    and so do tuples of constants (Python builds those once, when it compiles)."""
    if not isinstance(node.ctx, ast.Load):
        return node
    if isinstance(node, ast.Tuple) and all(isinstance(element, ast.Constant) for element in node.elts):
        return node
    return _call("_new_", node, node)


class SandboxPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy, plus: no while/import/class, guarded operators and f-strings, counted calls."""

    def visit_While(self, node: ast.While) -> None:
        self.error(node, "while loops are not allowed; loop over a list or a range() instead")

    def visit_Import(self, node: ast.AST) -> None:
        self.error(node, "import is not allowed")

    visit_ImportFrom = visit_Import

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.error(node, "class definitions are not allowed")

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if isinstance(node.ctx, ast.Load) and node.id in ("print", "printed"):
            self.error(node, "print is not available; assign the value to a variable instead")
        return super().visit_Name(node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if isinstance(node.func, ast.Name) and node.func.id in _REFUSED_CALLS:
            self.error(node, f"calling {node.func.id}() is not allowed")
        node = super().visit_Call(node)
        # `f(*x)` and `f(**x)` copy x in C before any guard runs: check (or meter) the copy first.
        for argument in [*node.args, *(keyword for keyword in node.keywords if keyword.arg is None)]:
            if isinstance(argument, (ast.Starred, ast.keyword)):
                argument.value = _call("_star_", argument.value, argument.value)
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        node = super().visit_Compare(node)
        # `x in iterator` loops in C: under the deadline like min() and max().
        node.comparators = [_call("_scan_", value, value) if isinstance(op, (ast.In, ast.NotIn)) else value
                            for op, value in zip(node.ops, node.comparators)]
        return node

    def visit_List(self, node: ast.List) -> ast.AST:
        self._refuse_unpacking(node, node.elts, node.ctx)
        return _charged_if_loaded(super().visit_List(node))

    def visit_Tuple(self, node: ast.Tuple) -> ast.AST:
        self._refuse_unpacking(node, node.elts, node.ctx)
        return _charged_if_loaded(super().visit_Tuple(node))

    def visit_Set(self, node: ast.Set) -> ast.AST:
        self._refuse_unpacking(node, node.elts, ast.Load())
        return _call("_new_", node, super().visit_Set(node))

    def visit_Dict(self, node: ast.Dict) -> ast.AST:
        if None in node.keys:
            self.error(node, "**unpacking in a dict literal is not allowed; use dict(a) and update() instead")
        return _call("_new_", node, super().visit_Dict(node))

    # A comprehension or f-string builds a new value at every step of a loop: what it builds is charged.
    def visit_ListComp(self, node: ast.ListComp) -> ast.AST:
        return _call("_new_", node, super().visit_ListComp(node))

    def visit_SetComp(self, node: ast.SetComp) -> ast.AST:
        return _call("_new_", node, super().visit_SetComp(node))

    def visit_DictComp(self, node: ast.DictComp) -> ast.AST:
        return _call("_new_", node, super().visit_DictComp(node))

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        return _call("_new_", node, super().visit_JoinedStr(node))

    def _refuse_unpacking(self, node: ast.AST, elements: list[ast.expr], ctx: ast.expr_context) -> None:
        # `[*a]` copies `a` in C without passing a guard; `a + b` does the same, charged.
        if isinstance(ctx, ast.Load) and any(isinstance(element, ast.Starred) for element in elements):
            self.error(node, "*unpacking in a literal is not allowed; use + instead")

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        symbol = IOPERATOR_TO_STR[type(node.op)][:-1]
        return _call("_binop_", node, ast.Constant(symbol), node.left, node.right)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        node = self.node_contents_visit(node)
        spec = node.format_spec if node.format_spec is not None else ast.Constant("")
        node.value = _call("_format_", node.value, node.value, ast.Constant(node.conversion), spec)
        node.conversion, node.format_spec = -1, None
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node = super().visit_FunctionDef(node)
        node.body.insert(0, ast.fix_missing_locations(ast.copy_location(ast.Expr(_call("_tick_", node)), node)))
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        node = super().visit_Lambda(node)
        # `_tick_() or body`: _tick_ returns None, so the lambda still returns its body.
        ticked = ast.BoolOp(op=ast.Or(), values=[_call("_tick_", node.body), node.body])
        node.body = ast.fix_missing_locations(ast.copy_location(ticked, node.body))
        return node


@functools.lru_cache(maxsize=4096)
def _compile(source: str, mode: str) -> CodeType:
    """Compile under the sandbox policy; cached because the engine evaluates the same sources over and over."""
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    try:
        result = compiler(source, filename="<string>", policy=SandboxPolicy)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as err:
        # Python finds these outside RestrictedPython's parse: 'return' outside function, null bytes, deep nesting.
        raise SandboxError(f"invalid Python: {err}") from None
    if result.errors:
        raise SandboxError("; ".join(result.errors))
    return result.code


def _compiled(source: object, mode: str) -> CodeType:
    if not isinstance(source, str):
        raise SandboxError(f"expected Python source text, got {type(source).__name__}")
    return _compile(source, mode)


def check_expression(source: str) -> None:
    """Raise SandboxError when the expression would not compile under the sandbox."""
    _compiled(source, "eval")


def check_script(source: str) -> None:
    """Raise SandboxError when the script would not compile under the sandbox."""
    _compiled(source, "exec")


class SandboxedEnvironment(BasePythonScriptEngineEnvironment):
    """Spiff's TaskDataEnvironment semantics, compiled and run under RestrictedPython with a budget."""

    def __init__(self) -> None:
        super().__init__({})

    def evaluate(self, expression, context, external_context=None):
        """The value of an expression over the task data."""
        code = _compiled(expression, "eval")
        namespace = {**(external_context or {}), **context, **guards.GLOBALS}
        with running():
            result = eval(code, namespace)
            check_data(result)
        return result

    def execute(self, script, context, external_context=None):
        """Run a script whose assignments land in the task data (``context``)."""
        code = _compiled(script, "exec")
        external_context = external_context or {}
        self.check_for_overwrite(context, external_context)
        context.update(external_context)
        context.update(guards.GLOBALS)
        with running():
            try:
                exec(code, context)
            finally:
                self._remove_globals_and_functions_from_context(context, external_context)
            check_data(context)
        return True

    def check_for_overwrite(self, context, external_context) -> None:
        """Fail fast when task data would hide a name passed in by the engine (as Spiff does)."""
        clash = set(external_context).intersection(context)
        if clash:
            raise ValueError(f"Task data overwrites predefined name(s), please rename: {sorted(clash)}")

    def _remove_globals_and_functions_from_context(self, context, external_context=None) -> None:
        """Drop builtins, guards, functions, iterators and engine names so the task data stays serialisable."""
        for key in list(context):
            if key in guards.GLOBALS or guards.is_transient(context[key]) or key in (external_context or {}):
                del context[key]


class SandboxedScriptEngine(PythonScriptEngine):
    """Spiff's script engine with every expression and script run in the sandbox."""

    def __init__(self, service_caller=None) -> None:
        super().__init__(environment=SandboxedEnvironment())
        self.service_caller = service_caller

    def call_service(self, task, operation_name, operation_params):
        """Call a service task's operation with its evaluated parameters; Spiff json.loads the answer."""
        if self.service_caller is None:
            raise SandboxError("no service registry")
        params = {name: param["value"] for name, param in operation_params.items()}
        return json.dumps(self.service_caller(operation_name, params, task.data))
