"""Functions and classes of a module with their qualified names, and what their bodies hold."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
ScopeNode = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef

ABSTRACT_DECORATORS = frozenset({"abstractmethod", "abstractproperty", "abstractclassmethod", "abstractstaticmethod"})
_COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.TryStar, ast.Match)


@dataclass(slots=True)
class Scope:
    """A function or class of the module, with where it sits."""

    node: ScopeNode
    qualified_name: str
    parent: Scope | None
    index: int
    is_function: bool
    position: int = 0  # among the functions of the same scope
    children: list[Scope] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The plain name."""
        return self.node.name


@dataclass(slots=True)
class ModuleScopes:
    """Every function and class in source (pre-)order, the module's own functions, and its top-level imports."""

    scopes: list[Scope]
    module_functions: list[Scope]
    imports: list[ast.Import | ast.ImportFrom]


def _child_bodies(stmt: ast.stmt) -> Iterator[list[ast.stmt]]:
    """Statement lists nested in a compound statement that is not a scope (if, for, while, with, try, match)."""
    if isinstance(stmt, ast.If | ast.For | ast.AsyncFor | ast.While):
        yield stmt.body
        yield stmt.orelse
    elif isinstance(stmt, ast.With | ast.AsyncWith):
        yield stmt.body
    elif isinstance(stmt, ast.Try | ast.TryStar):
        yield stmt.body
        for handler in stmt.handlers:
            yield handler.body
        yield stmt.orelse
        yield stmt.finalbody
    elif isinstance(stmt, ast.Match):
        for case in stmt.cases:
            yield case.body


def collect_scopes(tree: ast.Module) -> ModuleScopes:
    """Walk the statements of ``tree`` (not expressions: no function can hide there) in source order.

    Qualified names follow ``__qualname__``: ``Outer.Inner.method``, ``outer.<locals>.inner``; a function defined
    inside ``if``/``try``/``with`` blocks belongs to the scope around the block.
    """
    scopes: list[Scope] = []
    module_functions: list[Scope] = []
    imports: list[ast.Import | ast.ImportFrom] = []
    # An explicit stack of statement iterators (depth first, in source order) rather than a nested function that
    # calls itself: such a closure is a reference cycle that would keep every scope and the whole tree alive until
    # the cycle collector runs.
    stack: list[tuple[Iterator[ast.stmt], Scope | None, str]] = [(iter(tree.body), None, "")]
    while stack:
        statements, parent, prefix = stack[-1]
        stmt = next(statements, None)
        if stmt is None:
            stack.pop()
        elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            is_function = not isinstance(stmt, ast.ClassDef)
            scope = Scope(stmt, prefix + stmt.name, parent, len(scopes), is_function)
            scopes.append(scope)
            if is_function:
                group = parent.children if parent is not None else module_functions
                scope.position = len(group)
                group.append(scope)
            stack.append((iter(stmt.body), scope, scope.qualified_name + (".<locals>." if is_function else ".")))
        elif isinstance(stmt, _COMPOUND):
            stack.append((chain.from_iterable(_child_bodies(stmt)), parent, prefix))
        elif parent is None and isinstance(stmt, ast.Import | ast.ImportFrom):
            imports.append(stmt)
    return ModuleScopes(scopes, module_functions, imports)


def own_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """The syntax nodes below ``node`` that belong to its own scope: functions, lambdas and classes defined inside it
    are yielded but not entered."""
    pending = list(ast.iter_child_nodes(node))
    while pending:
        child = pending.pop()
        yield child
        if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            pending.extend(ast.iter_child_nodes(child))


def decorator_name(expr: ast.expr) -> str:
    """The last name of a decorator: ``abstractmethod`` for ``@abc.abstractmethod``, ``cache`` for ``@cache(3)``."""
    while isinstance(expr, ast.Call):
        expr = expr.func
    if isinstance(expr, ast.Attribute):
        return expr.attr
    if isinstance(expr, ast.Name):
        return expr.id
    return ""


def is_docstring(stmt: ast.stmt) -> bool:
    """Whether ``stmt`` is a bare string expression (a docstring when it comes first)."""
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def raises_not_implemented(stmt: ast.stmt) -> bool:
    """Whether ``stmt`` is ``raise NotImplementedError`` or ``raise NotImplementedError(...)``."""
    if not isinstance(stmt, ast.Raise) or stmt.exc is None:
        return False
    exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


def is_placeholder_statement(stmt: ast.stmt) -> bool:
    """``pass``, ``...`` or ``raise NotImplementedError``."""
    if isinstance(stmt, ast.Pass) or raises_not_implemented(stmt):
        return True
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and stmt.value.value is Ellipsis


def statements_after_docstring(node: FunctionNode) -> list[ast.stmt]:
    """The body without its docstring."""
    return node.body[1:] if node.body and is_docstring(node.body[0]) else list(node.body)


def only_placeholders(statements: Iterable[ast.stmt]) -> bool:
    """The one placeholder rule (the extractor's stubs, the injector's refusal of an empty answer, the validator's
    LAZY001, the generator's reading of an answer): nothing but bare strings (a docstring), ``pass``, ``...`` or
    ``raise NotImplementedError``; no statement that does anything."""
    return all(is_placeholder_statement(stmt) or is_docstring(stmt) for stmt in statements)


def is_placeholder_body(node: FunctionNode) -> bool:
    """True when the function's body is only placeholders (``only_placeholders``)."""
    return only_placeholders(node.body)


__all__ = [
    "ABSTRACT_DECORATORS",
    "FunctionNode",
    "ModuleScopes",
    "Scope",
    "ScopeNode",
    "collect_scopes",
    "decorator_name",
    "is_docstring",
    "is_placeholder_body",
    "is_placeholder_statement",
    "only_placeholders",
    "own_nodes",
    "raises_not_implemented",
    "statements_after_docstring",
]
