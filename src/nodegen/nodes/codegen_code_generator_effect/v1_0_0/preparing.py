"""A read answer made ready for its stub, before it is checked: what a small model adds around good code is not held
against it.

- The stub's own marker repeated in the answer (``# IMPLEMENTATION REQUIRED`` above real code) is the stub's, not
  code left out: it is dropped. An answer that is nothing but the marker stays as it is (the validator calls it lazy).
- Star imports (``from typing import *``) never reach the user's module, nor a function body (where they do not
  compile): the names the code takes from a standard-library module are imported by name; a name from any other
  module stays undefined, and the names check says so.
- A standard-library module the code uses by its name (``os.path.join``, ``sqlite3.connect``) and that nothing binds,
  neither the answer nor the module, is imported (``import os``): the validator's finding for it names that one fix,
  and the 1.5B model's CsvSummer and InventoryLookup code used ``os`` and ``sqlite3`` without importing them on all
  ten attempts (its answer starts inside the function, after the stub's docstring).
- ``from __future__`` imports in an answer are dropped: they change how the whole user's module compiles, which an
  answer for one stub does not decide (and the module either has them already or does without them).
- A ``raise`` in an ``except ... as error:`` block gets ``from error`` when it has no ``from`` (ruff's B904, the ONEX
  rule ONEX004): the cause is the one the block caught; an ``except T:`` block with such a raise is named for it.
  The 1.5B model's InvoiceFetcher code was right on every example and refused for this alone, on all ten attempts.
- Helper functions: one the file already defines in that scope is dropped (the file's own is used); the others stay
  beside a module-level stub, and are nested at the top of the body of a method or a nested function. A helper method
  of the class the answer wraps the stub in is dropped; when the body calls it through ``self``/``cls`` that is a
  finding, so the model can nest it.
"""

from __future__ import annotations

import ast
import importlib
import io
import itertools
import sys
import tokenize
from dataclasses import dataclass, field

from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.models import ModelMethodStub
from nodegen.pysource import (
    DEFAULT_STUB_MARKERS,
    Answer,
    AnswerError,
    EnumAnswerProblem,
    compile_markers,
    only_placeholders,
)
from nodegen.pysource.answer import dedent, indent_code
from nodegen.pysource.condense import bound_names
from nodegen.pysource.module import SourceModule
from nodegen.pysource.stdlib_imports import BUILTINS, NOT_IMPORTED, bound_and_used, missing_stdlib_imports


@dataclass(slots=True)
class PreparedAnswer:
    """The answer prepared, as text: ``code`` (a bare body, or helpers and the stub's def; ``reading.py`` reads it
    into the answer the validator and the injector take), ``imports`` (statements) and the names of the helpers
    kept."""

    code: str
    body: str
    imports: list[str] = field(default_factory=list)
    helpers: list[str] = field(default_factory=list)


def _marker_comments(stub_marker: str | None) -> tuple[str, ...]:
    patterns = (*DEFAULT_STUB_MARKERS, *((stub_marker,) if stub_marker else ()))
    return tuple(pattern[pattern.index("#") :] if "#" in pattern else pattern for pattern in patterns)


def drop_markers(code: str, stub_marker: str | None = None) -> str:
    """``code`` without stub-marker comments (found by the tokenizer, so a marker inside a string stays): a line that
    is only the marker goes, a trailing marker comment is cut off its line."""
    regex = compile_markers(_marker_comments(stub_marker)).regex
    lines = code.split("\n")
    cuts: dict[int, int] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type == tokenize.COMMENT and regex.match(token.string):
                cuts[token.start[0] - 1] = token.start[1]
    except (tokenize.TokenError, SyntaxError):
        return code
    if not cuts:
        return code
    out = []
    for index, line in enumerate(lines):
        if index not in cuts:
            out.append(line)
        elif line[: cuts[index]].strip():
            out.append(line[: cuts[index]].rstrip())
    return "\n".join(out)


def _is_real(body: str) -> bool:
    """Some statement besides a docstring, ``pass``, ``...`` or ``raise NotImplementedError``."""
    try:
        statements = ast.parse(body).body
    except SyntaxError:
        return False
    return not only_placeholders(statements)


def _is_star(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.ImportFrom) and any(alias.name == "*" for alias in stmt.names)


def _is_future_import(text: str) -> bool:
    try:
        tree = ast.parse(text.strip())
    except SyntaxError:
        return False
    return any(
        isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__" and not stmt.level for stmt in tree.body
    )


def _star_module(text: str) -> str | None:
    """The module of a star-import statement (``from typing import *`` → ``typing``; ``""`` for a relative one),
    None for any other statement."""
    try:
        tree = ast.parse(text.strip())
    except SyntaxError:
        return None
    stmt = tree.body[0] if len(tree.body) == 1 else None
    if not isinstance(stmt, ast.ImportFrom) or not _is_star(stmt):
        return None
    return "" if stmt.level else stmt.module or ""


def _without_foreign_imports(body: str) -> tuple[str, list[str]]:
    """The body without star-import and ``__future__`` statements (at any depth), and the star imports' modules."""
    try:
        tree = ast.parse(body)
    except SyntaxError:
        return body, []
    found = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (_is_star(node) or (node.module == "__future__" and not node.level))
    ]
    if not found:
        return body, []
    lines = body.split("\n")
    drop = {row for node in found for row in range(node.lineno - 1, (node.end_lineno or node.lineno))}
    kept = "\n".join(line for index, line in enumerate(lines) if index not in drop)
    if not _parses(kept):  # the import was a block's only statement
        kept = "\n".join(
            (line[: len(line) - len(line.lstrip())] + "pass") if index in drop else line
            for index, line in enumerate(lines)
        )
    return kept, [node.module for node in found if _is_star(node) and node.module and not node.level]


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
    except SyntaxError:
        return False
    return True


def star_exports(module_name: str) -> frozenset[str] | None:
    """The names ``from module_name import *`` binds, for a standard-library module (None for any other: nodegen
    imports no module a model names)."""
    top = module_name.partition(".")[0]
    if top not in sys.stdlib_module_names or top in NOT_IMPORTED:
        return None
    try:
        module = sys.modules.get(module_name) or importlib.import_module(module_name)
    except Exception:  # a module that fails to import binds nothing
        return None
    exported = getattr(module, "__all__", None)
    names = exported if isinstance(exported, list | tuple) else [n for n in dir(module) if not n.startswith("_")]
    return frozenset(str(name) for name in names)


def module_names(tree: ast.Module) -> set[str]:
    """Names a module binds at its top level (definitions, assignments, imports, loop and with targets), inside
    if/try/with blocks too (``pysource.condense.bound_names``)."""
    return set().union(*(bound_names(stmt) for stmt in tree.body))


def _resolve_stars(modules: list[str], code: str, defined: set[str]) -> list[str]:
    """``from M import a, b`` for the names ``code`` uses that the star imports of ``modules`` would have bound."""
    bound, used = bound_and_used(code)
    wanted = used - bound - defined - BUILTINS
    imports = []
    for module in dict.fromkeys(modules):
        exports = star_exports(module)
        names = sorted(wanted & exports) if exports else []
        if names:
            imports.append(f"from {module} import {', '.join(names)}")
            wanted -= set(names)
    return imports


def _class_names(module: SourceModule, stub: ModelMethodStub) -> set[str]:
    if not stub.enclosing_classes:
        return set()
    wanted = stub.enclosing_classes[-1].qualified_name
    for scope in module.scopes:
        if not scope.is_function and scope.qualified_name == wanted and isinstance(scope.node, ast.ClassDef):
            return module_names(ast.Module(body=scope.node.body, type_ignores=[]))
    return set()


def _calls_through_self(body: str, name: str) -> bool:
    try:
        tree = ast.parse(body)
    except SyntaxError:
        return False
    return any(
        isinstance(node, ast.Attribute)
        and node.attr == name
        and isinstance(node.value, ast.Name)
        and node.value.id in ("self", "cls")
        for node in ast.walk(tree)
    )


def chain_raises(code: str) -> str:
    """``code`` with ``from NAME`` after each ``raise X`` that has no ``from`` inside an ``except ... as NAME:``
    block (not inside a function or class defined there); a block ``except T:`` with such a raise is named first
    (``except T as error:``, a name the code does not use). Unchanged when it does not parse."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    taken = set().union(*bound_and_used(code))
    free = (n for n in itertools.chain(["error"], (f"error_{i}" for i in itertools.count(1))) if n not in taken)
    named: dict[ast.ExceptHandler, str] = {}  # each its own name: a nested block's name is deleted at its end
    inserts: dict[tuple[int, int], str] = {}

    def visit(node: ast.AST, caught: ast.ExceptHandler | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
                visit(child, None)
            elif isinstance(child, ast.ExceptHandler):
                visit(child, child if child.type is not None else None)  # a bare ``except:`` is E722's
            else:
                if isinstance(child, ast.Raise) and child.exc is not None and child.cause is None and caught:
                    if caught.name is None and caught.type is not None and caught not in named:
                        named[caught] = next(free)
                        end = (caught.type.end_lineno or caught.type.lineno, caught.type.end_col_offset or 0)
                        inserts[end] = f" as {named[caught]}"
                    cause = caught.name or named[caught]
                    inserts[(child.end_lineno or child.lineno, child.end_col_offset or 0)] = f" from {cause}"
                visit(child, caught)

    visit(tree, None)
    lines = code.split("\n")
    for (row, column), text in sorted(inserts.items(), reverse=True):  # from the end: earlier positions stay valid
        line = lines[row - 1].encode()  # ast columns count UTF-8 bytes
        lines[row - 1] = (line[:column] + text.encode() + line[column:]).decode()
    return "\n".join(lines)


def _nest(body: str, helpers: list[str]) -> str:
    """``helpers`` (sources at indentation 0) placed at the top of ``body``, after its docstring."""
    statements = ast.parse(body).body
    lines = body.rstrip("\n").split("\n")
    split = 0
    if statements and isinstance(statements[0], ast.Expr) and isinstance(statements[0].value, ast.Constant):
        split = statements[0].end_lineno or 1
    nested = [helper.rstrip("\n") + "\n" for helper in helpers]
    return "\n".join([*lines[:split], *nested, *lines[split:]]) + "\n"


def prepare_answer(answer: Answer, stub: ModelMethodStub, module: SourceModule, defined: set[str]) -> PreparedAnswer:
    """The answer as the validator and the injector get it (see the module's docstring); ``defined``: the names the
    module binds at its top level (``module_names``). ``AnswerError`` when the body calls a helper method that cannot
    be kept."""
    body = answer.body
    without_markers = drop_markers(body, stub.stub_marker)
    if without_markers != body and _is_real(without_markers):
        body = without_markers
    body, star_modules = _without_foreign_imports(chain_raises(body))
    imports = [text for text in answer.imports if _star_module(text) is None and not _is_future_import(text)]
    star_modules.extend(star for star in map(_star_module, answer.imports) if star)
    at_module_level = not stub.enclosing_classes and not stub.enclosing_function
    in_class = _class_names(module, stub)
    kept: list[tuple[str, str]] = []
    for helper in answer.helpers:
        if helper.name == stub.name:
            continue
        if helper.is_method:
            if helper.name not in in_class and _calls_through_self(body, helper.name):
                raise AnswerError(
                    EnumAnswerProblem.UNEXPECTED_CODE,
                    f"the answer adds the method `{helper.name}` to the class, and only `{stub.name}` is written",
                    suggested_fix=f"define `{helper.name}` as a plain function inside `{stub.name}` and call it there",
                )
            continue
        if helper.name in defined or helper.name in in_class:
            continue  # the file's own definition (a module function, or a method the answer echoes) is the one to use
        source, more = _without_foreign_imports(chain_raises(drop_markers(helper.source, stub.stub_marker)))
        star_modules.extend(more)
        kept.append((helper.name, source))
    if kept and not at_module_level:
        body = _nest(body, [source for _, source in kept])
    everything = "\n".join([body, *(source for _, source in kept)])
    imports.extend(_resolve_stars(star_modules, everything, defined))
    imports.extend(missing_stdlib_imports("\n".join([*imports, everything]), defined))
    if kept and at_module_level:
        # the stub's def first, then the helpers: the order in which the injector writes them
        header = dedent(stub.signature).strip("\n")
        parts = ["\n\n" + source.rstrip("\n") + "\n" for _, source in kept]
        code = header + ":\n" + indent_code(body.rstrip("\n"), "    ") + "\n" + "".join(parts)
    else:
        code = body
    return PreparedAnswer(code=code, body=body, imports=imports, helpers=[name for name, _ in kept])


__all__ = ["PreparedAnswer", "chain_raises", "drop_markers", "module_names", "prepare_answer", "star_exports"]
