"""Standard-library modules that code uses by name and never imports: ``os.path.join`` with no ``import os``
anywhere. A small model writes such code often (its answer starts inside the function, after the stub's
docstring, where it forgets the import), and there is one fix for it, which nodegen makes itself."""

from __future__ import annotations

import ast
import builtins
import sys

# Standard-library modules whose import does something besides defining names (opens a browser, prints, starts Tk).
NOT_IMPORTED = frozenset({"antigravity", "this", "idlelib", "tkinter", "turtle", "turtledemo", "__main__"})
BUILTINS = frozenset(dir(builtins))


def bound_and_used(code: str) -> tuple[set[str], set[str]]:
    """The names ``code`` binds anywhere (assignments, definitions, parameters, imports, handlers, patterns) and those
    it reads; both empty when it does not parse."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set(), set()
    return _bound_and_used(tree)


def _bound_and_used(tree: ast.AST) -> tuple[set[str], set[str]]:
    bound: set[str] = set()
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (used if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and node.name:
            bound.add(node.name)
    return bound, used


def missing_stdlib_imports(code: str, defined: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """``import M`` for each standard-library module ``code`` uses as ``M.name`` that neither ``code`` nor its
    module (``defined``: the names the module binds) binds; empty when ``code`` does not parse."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    used = {
        node.value.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and isinstance(node.value.ctx, ast.Load)
    }
    wanted = used - _bound_and_used(tree)[0] - set(defined) - BUILTINS
    return [
        f"import {name}"
        for name in sorted(wanted)
        if name in sys.stdlib_module_names and name not in NOT_IMPORTED and not name.startswith("_")
    ]


__all__ = ["BUILTINS", "NOT_IMPORTED", "bound_and_used", "missing_stdlib_imports"]
