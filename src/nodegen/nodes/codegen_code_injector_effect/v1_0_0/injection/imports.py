"""The imports an answer brings: cut down to the names its code uses, read as statements, and added at module level
by libcst's ``AddImportsVisitor`` (after the docstring, ``__future__`` imports first, after the leading imports; an
existing ``from x import a`` gains the new names). The visitor runs on the module's head alone (its docstring and
leading imports), so its cost does not grow with the file."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import libcst as cst
from libcst.helpers import get_absolute_module_from_package_for_import

from nodegen.nodes.codegen_code_injector_effect.v1_0_0.models import EnumInjectionErrorCode, ModelCodeInjectionRequest
from nodegen.pysource import Answer, Scope

from .options import RefusalError, refusal
from .source import FUNCTION_KINDS, PreparedFile

if TYPE_CHECKING:
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor, ImportItem

BindingKey = tuple[str, ...]
# Stands for the first statement after the head while the visitor runs: its blank line keeps the visitor from
# adding one to the real statement (whose bytes stay as they are).
_AFTER_HEAD = cst.SimpleStatementLine(body=[cst.Pass()], leading_lines=[cst.EmptyLine()])


def names_used(answer: Answer) -> set[str]:
    """Every name the code to be written reads (its body and helpers, string annotations included): what decides
    which of the answer's imports are added. The answer's own decorators and signature are not written, so they
    do not count."""
    names: set[str] = set()
    for text in (answer.body, *(helper.source for helper in answer.helpers)):
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.arg | ast.AnnAssign | ast.FunctionDef | ast.AsyncFunctionDef):
                annotation = node.returns if isinstance(node, FUNCTION_KINDS) else node.annotation
                if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
                    try:
                        quoted = ast.parse(annotation.value, mode="eval")
                    except SyntaxError:
                        continue
                    names.update(name.id for name in ast.walk(quoted) if isinstance(name, ast.Name))
    return names


def used_imports(texts: list[str], used: set[str]) -> list[str]:
    """The import statements of ``texts`` cut down to the names in ``used``; ``__future__`` and star imports, and
    statements that are not one import (``parse_imports`` refuses those), stay as given."""
    kept: list[str] = []
    for text in texts:
        statement = text.strip()
        if statement and not statement.startswith(("import ", "from ")):
            statement = f"import {statement}"
        try:
            tree = ast.parse(statement)
        except SyntaxError:
            tree = None
        node = tree.body[0] if tree is not None and len(tree.body) == 1 else None
        if not isinstance(node, ast.Import | ast.ImportFrom) or (
            isinstance(node, ast.ImportFrom)
            and ((node.module == "__future__" and not node.level) or any(alias.name == "*" for alias in node.names))
        ):
            kept.append(text)
            continue
        aliases = [alias for alias in node.names if _bound_name(alias, node) in used]
        if len(aliases) == len(node.names):
            kept.append(text)
        elif aliases:
            node.names = aliases
            kept.append(ast.unparse(node))
    return kept


def _bound_name(alias: ast.alias, node: ast.Import | ast.ImportFrom) -> str:
    if alias.asname:
        return alias.asname
    return alias.name.split(".")[0] if isinstance(node, ast.Import) else alias.name


def parse_imports(request: ModelCodeInjectionRequest, scope: Scope, texts: list[str]) -> list[cst.SimpleStatementLine]:
    """Each text as one import statement (a bare module name is ``import name``); ``RefusalError`` otherwise."""
    parsed: list[cst.SimpleStatementLine] = []
    for text in texts:
        statement_text = text.strip()
        if statement_text and not statement_text.startswith(("import ", "from ")):
            statement_text = f"import {statement_text}"
        try:
            statement = cst.parse_statement(statement_text + "\n")
        except Exception as problem:
            statement = None
            reason = str(problem).splitlines()[0] if str(problem) else type(problem).__name__
        else:
            reason = "it is not a single import statement"
        node = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) and statement.body else None
        if isinstance(node, cst.Import | cst.ImportFrom) and _future_misuse(node):
            node, reason = None, "a __future__ import names a feature, without an alias"
        if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 and node is not None):
            raise RefusalError(
                refusal(
                    request,
                    EnumInjectionErrorCode.INVALID_IMPORT,
                    f"required import {text!r} cannot be used: {reason}",
                    scope=scope,
                    suggested_fix="give imports as 'import x' or 'from x import y'",
                )
            )
        parsed.append(statement)
    return parsed


def _future_misuse(node: cst.Import | cst.ImportFrom) -> bool:
    if isinstance(node, cst.Import):
        return any(_dotted(alias.name) == "__future__" for alias in node.names)
    return _is_future(node) and (
        isinstance(node.names, cst.ImportStar) or any(alias.asname is not None for alias in node.names)
    )


@dataclass(slots=True)
class AddedImports:
    """The module's statements with the imports in, and what changed."""

    body: list[cst.BaseStatement]
    added: list[str] = field(default_factory=list)  # the text of each import statement that added a name
    statements: list[cst.BaseStatement] = field(default_factory=list)  # head statements new or changed
    requests: list[int] = field(default_factory=list)  # positions of the requests whose imports were added
    head: int = 0  # how many of the module's first statements the head covers


def add_imports(
    prepared: PreparedFile, body: list[cst.BaseStatement], imports: Sequence[tuple[int, cst.SimpleStatementLine]]
) -> AddedImports:
    """``body`` (the module's top-level statements) with the names of ``imports`` that it does not bind yet."""
    bindings = _existing_bindings(body)
    result = AddedImports(body=body)
    items: list[ImportItem] = []
    for position, statement in imports:
        node = statement.body[0]
        if not isinstance(node, cst.Import | cst.ImportFrom):
            continue
        missing = [key for key in _bindings_of(node) if key not in bindings and not _star_covers(key, bindings)]
        if not missing:
            continue
        bindings.update(missing)
        result.added.append(prepared.tree.code_for_node(statement).strip())
        result.requests.append(position)
        items.extend(_item(key) for key in missing)
    if not items:
        return result
    length = _head_length(body)
    head = prepared.tree.with_changes(body=[*body[:length], _AFTER_HEAD])
    stars = [item for item in items if item.obj_name == "*"]
    visitor, context = _visitor()
    for batch in ([item for item in items if item.obj_name != "*"], stars):  # a star import is a line of its own
        if batch:
            head = head.visit(visitor(context(), batch))
    originals = list(body[:length])
    restored: list[cst.BaseStatement] = []
    for stmt in head.body[:-1]:
        same = next((original for original in originals if original.deep_equals(stmt)), None)
        if same is not None:
            originals.remove(same)
        restored.append(same if same is not None else stmt)
    changed = [stmt for stmt in restored if not any(stmt is original for original in body[:length])]
    if changed and length and _is_docstring_line(body[0]) and len(restored) > 1 and restored[1] is changed[0]:
        first = restored[1]
        if isinstance(first, cst.SimpleStatementLine) and not first.leading_lines:
            restored[1] = changed[0] = first.with_changes(leading_lines=[cst.EmptyLine()])  # keep the docstring apart
    result.body = [*restored, *body[length:]]
    result.statements = changed
    result.head = length
    return result


@cache
def _visitor() -> tuple[type[AddImportsVisitor], type[CodemodContext]]:
    """The visitor class and its context class: libcst's codemod package is imported on the first import added (its
    matchers take a fifth of a second to import, and most runs add no import)."""
    from libcst.codemod import CodemodContext  # noqa: PLC0415 - deferred on purpose (see above)
    from libcst.codemod.visitors import AddImportsVisitor  # noqa: PLC0415

    class _AddImports(AddImportsVisitor):
        """libcst's visitor, with the names added to an existing from-import written after its own, in its style (libcst
        puts them first), and a star import always on a line of its own."""

        def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom) -> cst.ImportFrom:
            module = get_absolute_module_from_package_for_import(self.context.full_package_name, updated_node)
            if module is not None and "*" in self.module_mapping.get(module, ()):
                return updated_node
            merged = super().leave_ImportFrom(original_node, updated_node)
            if isinstance(updated_node.names, cst.ImportStar) or isinstance(merged.names, cst.ImportStar):
                return merged
            existing = list(updated_node.names)
            new = list(merged.names)[: len(merged.names) - len(existing)]
            if not new or not existing:
                return merged
            template = existing[-2].comma if len(existing) > 1 else cst.MaybeSentinel.DEFAULT
            if isinstance(template, cst.MaybeSentinel):
                template = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            trailing = existing[-1].comma
            names = [*existing[:-1], existing[-1].with_changes(comma=template)]
            names.extend(
                alias.with_changes(comma=template if at < len(new) - 1 else trailing) for at, alias in enumerate(new)
            )
            return updated_node.with_changes(names=names)

    return _AddImports, CodemodContext


def _is_docstring_line(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, cst.SimpleString)
    )


def _is_import_line(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Import | cst.ImportFrom)
    )


def _head_length(body: list[cst.BaseStatement]) -> int:
    """The module docstring and the imports right after it (where the visitor looks and adds)."""
    length = 1 if body and _is_docstring_line(body[0]) else 0
    while length < len(body) and _is_import_line(body[length]):
        length += 1
    return length


def _item(key: BindingKey) -> ImportItem:
    from libcst.codemod.visitors import ImportItem  # noqa: PLC0415 - deferred with the visitor

    if key[0] == "import":
        return ImportItem(key[1], alias=key[2] or None)
    _, level, module, name, alias = key
    return ImportItem(module, name, alias or None, relative=len(level))


def _dotted(node: cst.BaseExpression | None) -> str:
    if node is None:
        return ""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return cst.Module(body=[]).code_for_node(node)


def _from_key(node: cst.ImportFrom) -> tuple[str, str]:
    return "." * len(node.relative), _dotted(node.module)


def _is_future(node: cst.Import | cst.ImportFrom) -> bool:
    return isinstance(node, cst.ImportFrom) and not node.relative and _dotted(node.module) == "__future__"


def _bindings_of(node: cst.Import | cst.ImportFrom) -> list[BindingKey]:
    """One key per name the statement binds: ('import', module, alias) or ('from', level, module, name, alias)."""
    if isinstance(node, cst.Import):
        return [
            ("import", _dotted(alias.name), _dotted(alias.asname.name) if alias.asname else "") for alias in node.names
        ]
    level, module = _from_key(node)
    if isinstance(node.names, cst.ImportStar):
        return [("from", level, module, "*", "")]
    return [
        ("from", level, module, _dotted(alias.name), _dotted(alias.asname.name) if alias.asname else "")
        for alias in node.names
    ]


def _existing_bindings(body: Sequence[cst.BaseStatement]) -> set[BindingKey]:
    found: set[BindingKey] = set()
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Import | cst.ImportFrom):
                    found.update(_bindings_of(small))
    return found


def _star_covers(key: BindingKey, bindings: set[BindingKey]) -> bool:
    return key[0] == "from" and ("from", key[1], key[2], "*", "") in bindings


__all__ = ["AddedImports", "add_imports", "names_used", "parse_imports", "used_imports"]
