"""What the danger rules need to know about an expression: its value when it is built from literals (``"ev" + "al"``,
f-strings and ``"".join`` of literals), the module a name stands for (``import os as o``), whether it reads the
environment, and where a path points (the home directory, a system folder, or a temporary directory the code
created itself). Names are followed through simple assignments, as far as a reader of the code could follow them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field

_MAX_DEPTH = 8  # assignments followed from a name (a reader follows no further)
_MAX_FOLD = 1000  # longer built strings are not folded (and never needed: names and paths are short)
_HOME_VARIABLES = frozenset({"HOME", "USERPROFILE"})
# Absolute paths that are no one's files: scratch space, the standard streams and the terminal.
_SCRATCH = ("/tmp", "/var/tmp", "/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty", "/dev/shm")  # noqa: S108 - scratch, by name
_TEMP_CALLS = frozenset({"mkdtemp", "TemporaryDirectory", "mkstemp", "NamedTemporaryFile", "gettempdir"})
_PATH_DERIVING = frozenset(
    {
        "join",
        "abspath",
        "realpath",
        "normpath",
        "expanduser",
        "resolve",
        "absolute",
        "Path",
    }
)


def fold(node: ast.AST | None) -> str | None:
    """The string an expression always evaluates to, when it is built from literals only."""
    value: str | None = None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        value = node.value
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = fold(node.left), fold(node.right)
        value = None if left is None or right is None else left + right
    elif isinstance(node, ast.JoinedStr):
        parts = [fold(part.value if isinstance(part, ast.FormattedValue) else part) for part in node.values]
        value = None if any(part is None for part in parts) else "".join(p for p in parts if p is not None)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join":
        separator = fold(node.func.value)
        items = node.args[0] if len(node.args) == 1 else None
        if separator is not None and isinstance(items, ast.List | ast.Tuple):
            parts = [fold(item) for item in items.elts]
            value = None if any(part is None for part in parts) else separator.join(p for p in parts if p is not None)
    elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):  # "lave"[::-1]
        text = fold(node.value)
        bounds = [node.slice.lower, node.slice.upper, node.slice.step]
        numbers = [_integer(bound) for bound in bounds]
        if text is not None and all(n is not None or b is None for n, b in zip(numbers, bounds, strict=True)):
            value = text[slice(*numbers)]
    return value if value is None or len(value) <= _MAX_FOLD else None


def _integer(node: ast.AST | None) -> int | None:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _integer(node.operand)
        return None if inner is None else -inner
    return node.value if isinstance(node, ast.Constant) and type(node.value) is int else None


def is_built(node: ast.AST) -> bool:
    """Built from pieces rather than written out: the way a name is hidden from a reader."""
    return not isinstance(node, ast.Constant)


def dotted(node: ast.AST) -> str:
    """``os.path.join`` for that attribute chain; '' for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


def called(node: ast.Call) -> str:
    """The last name of the called function: ``rmtree`` for ``shutil.rmtree(...)``."""
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def short(node: ast.AST, limit: int = 80) -> str:
    """The expression as source, cut to ``limit`` characters."""
    text = ast.unparse(node)
    return text if len(text) <= limit else text[: limit - 3] + "..."


_Scope = ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda


@dataclass
class Facts:
    """Module aliases and what the assigned names of the code hold, scope by scope (a function's names are its own;
    a name it does not bind is the module's)."""

    aliases: dict[str, str] = field(default_factory=dict)  # local name -> module (``o`` -> ``os``)
    values: dict[tuple[int, str], list[ast.expr]] = field(default_factory=dict)  # (scope, name) -> assigned values
    locals: set[tuple[int, str]] = field(default_factory=set)  # (scope, name) bound in that scope (parameters too)
    temp_names: set[tuple[int, str]] = field(default_factory=set)  # bound by ``with TemporaryDirectory() as name``
    scope_of: dict[int, int] = field(default_factory=dict)  # id(node) -> id(its scope)
    module_scope: int = 0

    @classmethod
    def of(cls, tree: ast.Module) -> Facts:
        facts = cls(module_scope=id(tree))
        facts._visit(tree, id(tree))
        return facts

    def _bind(self, scope: int, name: str, value: ast.expr | None) -> None:
        self.locals.add((scope, name))
        if value is not None:
            self.values.setdefault((scope, name), []).append(value)

    def _visit(self, node: ast.AST, scope: int) -> None:  # noqa: PLR0912 - one branch per binding form
        self.scope_of[id(node)] = scope
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            for default in [*node.args.defaults, *node.args.kw_defaults]:
                if default is not None:
                    self._visit(default, scope)
            inner = id(node)
            arguments = node.args
            for argument in [
                *arguments.posonlyargs,
                *arguments.args,
                *arguments.kwonlyargs,
            ]:
                self._bind(inner, argument.arg, None)
            for extra in (arguments.vararg, arguments.kwarg):
                if extra is not None:
                    self._bind(inner, extra.arg, None)
            body: list[ast.AST] = [*node.body] if isinstance(node.body, list) else [node.body]
            for child in body:
                self._visit(child, inner)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                head = alias.name.split(".")[0]
                self.aliases[alias.asname or head] = alias.name if alias.asname else head
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                self.aliases.setdefault(alias.asname or alias.name, f"{node.module}.{alias.name}")
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self._bind(scope, target.id, node.value)
        elif isinstance(node, ast.AnnAssign | ast.NamedExpr) and isinstance(node.target, ast.Name) and node.value:
            self._bind(scope, node.target.id, node.value)
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name):
                    if isinstance(item.context_expr, ast.Call) and called(item.context_expr) in _TEMP_CALLS:
                        self.temp_names.add((scope, item.optional_vars.id))
                        self.locals.add((scope, item.optional_vars.id))
                    else:
                        self._bind(scope, item.optional_vars.id, item.context_expr)
        elif isinstance(node, ast.For | ast.AsyncFor) and isinstance(node.target, ast.Name):
            self._bind(scope, node.target.id, None)
        for child in ast.iter_child_nodes(node):
            self._visit(child, scope)

    def _key(self, name: ast.Name) -> tuple[int, str]:
        scope = self.scope_of.get(id(name), self.module_scope)
        return (scope, name.id) if (scope, name.id) in self.locals else (self.module_scope, name.id)

    def assigned(self, name: ast.Name) -> list[ast.expr]:
        """What the name was assigned in its scope (or the module's, when its scope does not bind it)."""
        return self.values.get(self._key(name), [])

    def is_temp_name(self, name: ast.Name) -> bool:
        return self._key(name) in self.temp_names

    def module(self, node: ast.AST) -> str:
        """The module (or module attribute) an expression names, through import aliases: ``o.path`` -> ``os.path``."""
        name = dotted(node)
        if not name:
            return ""
        head, _, rest = name.partition(".")
        base = self.aliases.get(head, head)
        return f"{base}.{rest}" if rest else base

    def resolve(self, node: ast.AST, seen: frozenset[str] = frozenset()) -> Iterable[ast.AST]:
        """The expression, and what a plain name in it was assigned (followed a few steps)."""
        yield node
        if isinstance(node, ast.Name) and node.id not in seen and len(seen) < _MAX_DEPTH:
            for value in self.assigned(node):
                yield from self.resolve(value, seen | {node.id})

    def mentions(self, node: ast.AST, test: object, seen: frozenset[str] = frozenset()) -> ast.AST | None:
        """The first part of ``node`` (names followed) for which ``test(part)`` holds."""
        assert callable(test)
        for part in ast.walk(node):
            if test(part):
                return part
            if isinstance(part, ast.Name) and part.id not in seen and len(seen) < _MAX_DEPTH:
                for value in self.assigned(part):
                    found = self.mentions(value, test, seen | {part.id})
                    if found is not None:
                        return found
        return None

    # -- the environment -----------------------------------------------------------------------------------------

    def is_environ(self, node: ast.AST) -> bool:
        """``os.environ`` itself (or a copy of all of it)."""
        if self.module(node) in ("os.environ", "os.environb"):
            return True
        return isinstance(node, ast.Call) and (
            (
                isinstance(node.func, ast.Attribute)
                and node.func.attr in ("copy", "items", "values", "keys")
                and self.is_environ(node.func.value)
            )
            or (called(node) == "dict" and len(node.args) == 1 and self.is_environ(node.args[0]))
        )

    def env_read(self, node: ast.AST) -> str | None:
        """The variable an expression reads from the environment (``*`` for all of it), or None."""
        if self.is_environ(node):
            return "*"
        if isinstance(node, ast.Subscript) and self.is_environ(node.value):
            return fold(node.slice) or "?"
        if isinstance(node, ast.Call):
            target = self.module(node.func)
            is_get = (
                isinstance(node.func, ast.Attribute) and node.func.attr == "get" and self.is_environ(node.func.value)
            )
            if is_get or target in ("os.getenv", "os.getenvb"):
                return (fold(node.args[0]) if node.args else None) or "?"
        return None

    # -- paths ---------------------------------------------------------------------------------------------------

    def outside(self, node: ast.AST, seen: frozenset[str] = frozenset()) -> str | None:
        """Where a path outside the project points ("the home directory", "`/etc`"), or None."""
        if isinstance(node, ast.Name):
            if node.id in seen or len(seen) >= _MAX_DEPTH:
                return None
            for value in self.assigned(node):
                where = self.outside(value, seen | {node.id})
                if where is not None:
                    return where
            return None
        return self._outside_here(node, seen)

    def _outside_here(self, node: ast.AST, seen: frozenset[str]) -> str | None:  # noqa: PLR0911 - one per path form
        if self.env_read(node) in _HOME_VARIABLES:
            return "the home directory"
        text = fold(node)
        if text is not None:
            return _outside_text(text)
        if isinstance(node, ast.JoinedStr) and node.values:
            return self.outside(
                node.values[0].value if isinstance(node.values[0], ast.FormattedValue) else node.values[0],
                seen,
            )
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Div):
            return self.outside(node.left, seen)
        if isinstance(node, ast.Attribute) and node.attr in ("parent", "name"):
            return self.outside(node.value, seen) if node.attr == "parent" else None
        if not isinstance(node, ast.Call):
            return None
        target, name = self.module(node.func), called(node)
        if name == "home" or (
            target == "os.path.expanduser" and node.args and (fold(node.args[0]) or "").startswith("~")
        ):
            return "the home directory"
        if name in _PATH_DERIVING or name in ("str", "fspath"):
            if isinstance(node.func, ast.Attribute) and name in (
                "expanduser",
                "resolve",
                "absolute",
            ):
                receiver = self.outside(node.func.value, seen)
                if receiver is not None or name != "expanduser":
                    return receiver
                return "the home directory" if (fold(node.func.value) or "").startswith("~") else None
            return self.outside(node.args[0], seen) if node.args else None
        return None

    def own_temporary(self, node: ast.AST, seen: frozenset[str] = frozenset()) -> bool:  # noqa: PLR0911 - one per form
        """A path in a temporary directory the code itself created (``tempfile.mkdtemp()``, ``TemporaryDirectory``)."""
        if isinstance(node, ast.Name):
            if self.is_temp_name(node):
                return True
            values = self.assigned(node)
            return (
                bool(values)
                and node.id not in seen
                and len(seen) < _MAX_DEPTH
                and all(self.own_temporary(v, seen | {node.id}) for v in values)
            )
        if isinstance(node, ast.Call):
            name = called(node)
            if name in _TEMP_CALLS:
                return True
            if name in _PATH_DERIVING or name in ("str", "fspath"):
                if isinstance(node.func, ast.Attribute) and name not in (
                    "join",
                    "abspath",
                    "realpath",
                    "normpath",
                ):
                    return self.own_temporary(node.func.value, seen)
                return bool(node.args) and self.own_temporary(node.args[0], seen)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return self.own_temporary(node.left, seen)
        if isinstance(node, ast.Attribute) and node.attr == "name":
            return self.own_temporary(node.value, seen)
        if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.FormattedValue):
            return self.own_temporary(node.values[0].value, seen)
        return False


def _outside_text(text: str) -> str | None:
    """Where a literal path points when it is outside any project: the home directory, the root, or the top folder
    of an absolute path (``/etc``); None for relative paths and scratch space (``/tmp``, ``/dev/null``)."""
    if text.startswith("~"):
        return "the home directory"
    if not text.startswith("/") or any(text == place or text.startswith(place + "/") for place in _SCRATCH):
        return None
    top = text.strip("/").split("/", 1)[0]
    return f"`/{top}`" if top else "the filesystem root"


__all__ = ["Facts", "called", "dotted", "fold", "is_built", "short"]
