"""A body that does not do the function's job although it parses and holds real statements: one that never returns
a value although the signature promises one (``-> Response`` falling off its end returns None), and one that
declares again the class it stands in or the function itself (a small model asked for one method often answers
with the whole file, its imports and class, inside the method's body), one that turns the function into a generator
(``yield`` where the annotation promises a value), and a loop with no way out."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from nodegen.pysource import FunctionNode, decorator_name, own_nodes

from .base import RawFinding
from .registry import finding

_NO_VALUE_NAMES = {"None", "NoReturn", "Never", "Any", "object"}
_EXEMPT_DECORATORS = {"abstractmethod", "overload", "abstractproperty"}


def check_shape(function: FunctionNode, owners: list[str], first: int, last: int) -> list[RawFinding]:
    """Findings for the stub ``function`` (in the classes ``owners``) whose new body is lines ``first``..``last``."""
    body = [stmt for stmt in function.body if first <= stmt.lineno <= last]
    findings = [*_redeclared(function, owners, body), *_endless(body)]
    missing = _missing_return(function, first) or _made_generator(function)
    if missing is not None:
        findings.append(missing)
    return findings


def stub_function(tree: ast.Module, first: int, last: int) -> tuple[FunctionNode, list[str]] | None:
    """The innermost function whose body the generated lines are, and the names of the classes around it."""
    best: tuple[FunctionNode, list[str]] | None = None

    def visit(nodes: list[ast.stmt], owners: list[str]) -> None:
        nonlocal best
        for node in nodes:
            if isinstance(node, ast.ClassDef):
                visit(node.body, [*owners, node.name])
            elif isinstance(node, FunctionNode):
                if node.lineno < first and any(first <= stmt.lineno <= last for stmt in node.body):
                    best = (node, owners)
                    visit(node.body, owners)
            else:
                for field in ("body", "orelse", "finalbody"):
                    children = getattr(node, field, None)
                    if isinstance(children, list):
                        visit([child for child in children if isinstance(child, ast.stmt)], owners)
                for handler in getattr(node, "handlers", ()):
                    visit(handler.body, owners)

    visit(tree.body, [])
    return best


def _promises_value(annotation: ast.expr | None) -> bool:
    """Whether the return annotation promises a value: not absent, None, NoReturn, Never, Any, object, nor Optional."""
    if annotation is None:
        return False
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return False
    for node in ast.walk(annotation):
        if isinstance(node, ast.Constant) and node.value is None:
            return False
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if name in _NO_VALUE_NAMES or name == "Optional":
            return False
    return True


def _missing_return(function: FunctionNode, first: int) -> RawFinding | None:
    if not _promises_value(function.returns):
        return None
    if any(decorator_name(decorator) in _EXEMPT_DECORATORS for decorator in function.decorator_list):
        return None
    own = list(own_nodes(function))
    if any(isinstance(node, ast.Yield | ast.YieldFrom) for node in own):
        return None  # a generator: its annotation is the iterator's
    returns = [node for node in own if isinstance(node, ast.Return)]
    if any(node.value is not None and not _is_none(node.value) for node in returns):
        return None
    if not returns and function.body and _never_falls_off(function.body[-1]):
        return None  # it always raises, or loops for ever
    annotation = ast.unparse(function.returns) if function.returns is not None else ""
    return finding(  # at the body's first line: the def line is the user's, not the generated code
        "LAZY003",
        f"`{function.name}` is annotated to return `{annotation}`, but its body never returns a value "
        "(it would return None)",
        line=first,
        fix=f"end every path with `return` of a `{annotation}` (or raise); write only this function's body",
    )


def _made_generator(function: FunctionNode) -> RawFinding | None:
    """A ``yield`` in the body of a function annotated to return a value (not an iterator): every caller now gets a
    generator object instead of the value (``yield x + 1`` for ``def f(x: int) -> int``)."""
    if not _promises_value(function.returns) or function.returns is None:
        return None
    names = {node.id if isinstance(node, ast.Name) else node.attr for node in ast.walk(function.returns)
             if isinstance(node, ast.Name | ast.Attribute)}  # fmt: skip
    if names & _ITERATOR_NAMES or isinstance(function.returns, ast.Constant):
        return None
    found = next((node for node in own_nodes(function) if isinstance(node, ast.Yield | ast.YieldFrom)), None)
    if found is None:
        return None
    annotation = ast.unparse(function.returns)
    return finding(
        "LAZY005",
        f"`yield` makes `{function.name}` a generator, but it is annotated to return `{annotation}`: callers would "
        "get a generator object, not the value",
        node=found,
        fix=f"`return` the `{annotation}` itself; collect the items in a list if it needs several",
    )


_ITERATOR_NAMES = {"Iterator", "Iterable", "Generator", "AsyncIterator", "AsyncIterable", "AsyncGenerator"}
_CAN_LEAVE = (ast.Break, ast.Return, ast.Raise, ast.Yield, ast.YieldFrom, ast.Await, ast.Call, ast.Subscript)


def _endless(body: list[ast.stmt]) -> Iterator[RawFinding]:
    """``while True:`` loops with no way out: nothing in them breaks, returns, raises, waits or calls anything (a call
    or an index can raise and so end it); the function would hang its caller for ever."""
    for stmt in body:
        for node in ast.walk(stmt):
            if (
                isinstance(node, ast.While)
                and isinstance(node.test, ast.Constant)
                and bool(node.test.value)
                and not any(isinstance(inner, _CAN_LEAVE) for inner in ast.walk(node))
            ):
                yield finding(
                    "LAZY006",
                    f"`{ast.unparse(node).splitlines()[0]}` never ends: nothing in it breaks, returns or raises",
                    node=node,
                    fix="loop over the data (for ... in ...), or give the loop a condition that becomes false",
                )


def _never_falls_off(last: ast.stmt) -> bool:
    """A raise, or a ``while True:`` with no ``break``: the end of the body is never reached."""
    if isinstance(last, ast.Raise):
        return True
    return (
        isinstance(last, ast.While)
        and isinstance(last.test, ast.Constant)
        and bool(last.test.value)
        and not any(isinstance(node, ast.Break) for node in ast.walk(last))
    )


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _redeclared(function: FunctionNode, owners: list[str], body: list[ast.stmt]) -> Iterator[RawFinding]:
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.ClassDef) and node.name in owners:
                yield finding(
                    "LAZY004",
                    f"the body of `{function.name}` declares `class {node.name}` again, the class it stands in "
                    "(the file was repeated inside the method)",
                    node=node,
                    fix=f"answer with `{function.name}` alone: its statements, not the file or its class",
                )
            elif isinstance(node, FunctionNode) and node.name == function.name:
                yield finding(
                    "LAZY004",
                    f"the body of `{function.name}` defines `{function.name}` again inside itself",
                    node=node,
                    fix=f"answer with the statements of `{function.name}`, not a second definition",
                )


__all__ = ["check_shape", "stub_function"]
