"""app/ never imports workers/ (the workers depend on the app, not back: app/dispatch.py is the seam), and the
modules of workers/ import each other without a cycle. Imports inside functions count: they hid the old cycles."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from app.config import PROJECT_ROOT


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function, absolute or relative, or loads by name."""
    found = set()
    package = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[:len(package.split(".")) - node.level + 1], base]).strip(".")
            found.update([base, *(f"{base}.{alias.name}" for alias in node.names)])
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            found.add(str(node.args[0].value))
    return found


def is_workers(module: str) -> bool:
    return module == "workers" or module.startswith("workers.")


def test_no_module_under_app_imports_workers():
    offenders = {str(path.relative_to(PROJECT_ROOT)): sorted(filter(is_workers, imported_modules(path)))
                 for path in sorted((PROJECT_ROOT / "app").rglob("*.py"))}
    assert {path: found for path, found in offenders.items() if found} == {}


def test_importing_every_module_of_app_loads_nothing_of_workers():
    """In a fresh interpreter: the engine, mail, modeling, the app factory and the CLI, all of app/."""
    script = ("import importlib, pkgutil, sys, app\n"
              "for info in pkgutil.walk_packages(app.__path__, 'app.'):\n"
              "    importlib.import_module(info.name)\n"
              "print(sorted(m for m in sys.modules if m == 'workers' or m.startswith('workers.')))\n"
              "print(len([m for m in sys.modules if m.startswith('app.')]))")
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    loaded, app_modules = result.stdout.split("\n")[:2]
    assert loaded == "[]" and int(app_modules) > 100, result.stdout


def test_the_modules_of_workers_import_each_other_without_a_cycle():
    modules = {f"workers.{path.stem}": path for path in (PROJECT_ROOT / "workers").glob("*.py")
               if path.stem != "__init__"}
    graph = {name: {m for m in imported_modules(path) if m in modules and m != name} for name, path in modules.items()}
    cycles = []

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            cycles.append(trail[trail.index(name):] + [name])
            return
        for following in graph[name]:
            visit(following, [*trail, name])

    for name in graph:
        visit(name, [])
    assert cycles == []


def test_every_module_that_registers_with_a_registry_is_imported_by_the_app_factory():
    """A module whose @service, @form_check, @data_keeper, @task_panel or @periodic nobody imports would register
    nothing."""
    from app import register_areas

    decorators = {"service", "form_check", "data_keeper", "task_panel", "periodic"}
    registering = set()
    for path in (PROJECT_ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.FunctionDef) and any(
                    isinstance(d, ast.Call) and getattr(d.func, "id", None) in decorators for d in node.decorator_list):
                registering.add(".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts))
    assert registering and registering == {module.__name__ for module in register_areas()}
