"""Building the new body of a stub (and the helpers beside it) as libcst statements.

The one indentation rule: the answer, read at indentation 0 (:mod:`nodegen.pysource.answer`: only code lines say
how it is indented, lines inside strings never count and never move, comments left of the code keep their column),
is moved to the block's indentation as one piece and parsed there, so nested blocks keep their own layout. The one
repeat rule: what the stub keeps (its docstring, imports written above it) is not written twice when the answer
repeats it. The stub's header line, docstring and the comments after it stay; its markers go.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import libcst as cst

from nodegen.nodes.codegen_code_injector_effect.v1_0_0.models import EnumInjectionErrorCode, ModelCodeInjectionRequest
from nodegen.pysource import Answer, FunctionNode, Scope, char_col, leading_whitespace
from nodegen.pysource.answer import indent_code

from .options import RefusalError, refusal
from .source import (
    FUNCTION_KINDS,
    STATEMENT_CONTAINERS,
    PreparedFile,
    UnreadableSourceError,
    parse_cst,
    with_except_colons,
)

_WRAPPER_NAME = "__nodegen_answer__"


@dataclass(slots=True)
class NewBody:
    """The stub's new block, and the answer's own statements and trailing comment lines in it."""

    suite: cst.BaseSuite
    statements: list[cst.BaseStatement]
    footer: list[cst.EmptyLine]


def is_cst_docstring(stmt: cst.BaseStatement | cst.BaseSmallStatement) -> bool:
    """A statement that is one string (a docstring where it stands first)."""
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        stmt = stmt.body[0]
    return isinstance(stmt, cst.Expr) and isinstance(stmt.value, cst.SimpleString | cst.ConcatenatedString)


def body_indent(prepared: PreparedFile, node: FunctionNode) -> str:
    """Absolute indentation of the body: as written, or one file unit deeper than a one-line ``def``."""
    first = node.body[0]
    line = prepared.module.lines[first.lineno - 1]
    column = char_col(line, first.col_offset)
    if line[:column].strip(" \t\f") == "":
        return line[:column]
    return leading_whitespace(prepared.module.lines[node.lineno - 1]) + prepared.indent


def parse_block(
    prepared: PreparedFile,
    request: ModelCodeInjectionRequest,
    scope: Scope | None,
    text: str,
    indent: str,
    *,
    keep: Collection[int] = (),
    preserve_formatting: bool = True,
) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
    """Statements of ``text`` (at indentation 0) moved as one piece to the absolute ``indent``, and the comment
    lines after the last of them.

    They are parsed inside a wrapper whose first block fixes the file's indentation unit, so nested blocks that
    use it stay "default" and come out in the file's own style, and whose line endings are the file's.
    """
    indented = indent_code(text.rstrip("\n"), indent, keep)
    at_module_level = indent == ""
    header = "" if at_module_level else f"async def {_WRAPPER_NAME}():\n"
    wrapper = f"if 1:\n{prepared.indent}pass\n{header}{indented}\n"
    wrapper = wrapper.replace("\n", prepared.newline)
    try:
        parsed = parse_cst(wrapper)
        if parsed.code != wrapper:  # the answer's own bytes are what is written
            parsed = with_except_colons(parsed, wrapper)
    except UnreadableSourceError as problem:
        raise RefusalError(
            refusal(
                request,
                EnumInjectionErrorCode.SYNTAX_ERROR,
                f"the generated code cannot be placed at this indentation: {problem}",
                scope=scope,
                attempted_code=text,
            )
        ) from problem
    statements: list[cst.BaseStatement]
    footer: list[cst.EmptyLine]
    if at_module_level:
        statements, footer = list(parsed.body[1:]), list(parsed.footer)
    else:
        function = parsed.body[1]
        if not isinstance(function, cst.FunctionDef) or not isinstance(function.body, cst.IndentedBlock):
            raise RefusalError(
                refusal(request, EnumInjectionErrorCode.SYNTAX_ERROR, "the generated code is not a block", scope=scope)
            )
        statements, footer = list(function.body.body), list(function.body.footer)
    if not preserve_formatting or _foreign_indentation(statements, prepared.indent):
        statements = [_with_default_indentation(stmt) for stmt in statements]
    return statements, footer


def new_body(
    prepared: PreparedFile,
    request: ModelCodeInjectionRequest,
    scope: Scope,
    answer: Answer,
    *,
    preserve_formatting: bool,
) -> NewBody:
    """The stub's block with the answer's statements in place of everything after what it keeps."""
    node = scope.node
    if not isinstance(node, FUNCTION_KINDS):
        raise TypeError(f"{scope.qualified_name} is not a function")
    original = prepared.cst_functions[scope.index]
    statements, footer = parse_block(
        prepared,
        request,
        scope,
        answer.body,
        body_indent(prepared, node),
        keep=answer.outdented,
        preserve_formatting=preserve_formatting,
    )
    block = original.body
    kept = _kept_prefix(prepared, block, request.preserve_docstring)
    statements = _without_repeats(prepared, statements, kept)
    if isinstance(block, cst.IndentedBlock):
        footer_kept = [line for line in block.footer if not _is_marker(prepared, line.comment)]
        suite: cst.BaseSuite = block.with_changes(
            header=_without_marker(prepared, block.header),
            body=[*kept, *statements],
            footer=[*footer, *footer_kept],
        )
    elif isinstance(block, cst.SimpleStatementSuite):
        suite = cst.IndentedBlock(
            body=[*kept, *statements], header=_without_marker(prepared, block.trailing_whitespace), footer=footer
        )
    else:
        raise TypeError(f"unexpected body of {scope.qualified_name}: {type(block).__name__}")
    return NewBody(suite=suite, statements=statements, footer=footer)


def _without_repeats(
    prepared: PreparedFile, statements: list[cst.BaseStatement], kept: list[cst.BaseStatement]
) -> list[cst.BaseStatement]:
    """The answer's statements minus the leading ones that repeat what the stub keeps (its docstring, a leading
    import): those lines are not written twice. An answer that is nothing but repeats is kept as it is."""
    kept_code = {_bare_code(prepared, stmt) for stmt in kept}
    keeps_docstring = any(is_cst_docstring(stmt) for stmt in kept)
    start = 0
    while start < len(statements) and (
        _bare_code(prepared, statements[start]) in kept_code
        or (keeps_docstring and is_cst_docstring(statements[start]))
    ):
        start += 1
    return statements[start:] or statements


def _kept_prefix(prepared: PreparedFile, block: cst.BaseSuite, keep_docstring: bool) -> list[cst.BaseStatement]:
    """The leading docstring (and any imports or strings before the stub's first marker or placeholder, as in
    ``import math`` written above a docstring): these stay; the rest of the body is replaced."""
    kept: list[cst.BaseStatement] = []
    for stmt in block.body:
        line = stmt if isinstance(stmt, cst.BaseStatement) else cst.SimpleStatementLine(body=[stmt])
        if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
            break
        if any(_is_marker(prepared, empty.comment) for empty in line.leading_lines):
            break
        small = line.body[0]
        if not ((is_cst_docstring(small) and keep_docstring) or isinstance(small, cst.Import | cst.ImportFrom)):
            break
        kept.append(line)
    return kept


def _bare_code(prepared: PreparedFile, stmt: cst.BaseStatement) -> str:
    if isinstance(stmt, cst.SimpleStatementLine | cst.BaseCompoundStatement):
        stmt = stmt.with_changes(leading_lines=[])
    return prepared.tree.code_for_node(stmt).strip()


def _is_marker(prepared: PreparedFile, comment: cst.Comment | None) -> bool:
    return comment is not None and prepared.comment_markers.regex.search(comment.value) is not None


def _without_marker(prepared: PreparedFile, trailing: cst.TrailingWhitespace) -> cst.TrailingWhitespace:
    if _is_marker(prepared, trailing.comment):
        return trailing.with_changes(comment=None, whitespace=cst.SimpleWhitespace(""))
    return trailing


def helper_statements(
    prepared: PreparedFile,
    request: ModelCodeInjectionRequest,
    scope: Scope,
    answer: Answer,
    *,
    preserve_formatting: bool,
) -> tuple[list[cst.BaseStatement], list[cst.BaseStatement]]:
    """The answer's helpers as statements: those beside the stub in its own scope (after one blank line), and those
    at module level (after two), placed after the top-level statement that holds the stub."""
    own_indent = leading_whitespace(prepared.module.lines[scope.node.lineno - 1])
    beside: list[cst.BaseStatement] = []
    module_helpers: list[cst.BaseStatement] = []
    for helper in answer.helpers:
        at_module_level = helper.at_module_level or scope.parent is None
        statements, _ = parse_block(
            prepared,
            request,
            scope,
            helper.source,
            "" if at_module_level else own_indent,
            preserve_formatting=preserve_formatting,
        )
        blank = [cst.EmptyLine(indent=False) for _ in range(2 if at_module_level else 1)]
        placed = [
            stmt.with_changes(leading_lines=[*blank, *stmt.leading_lines])
            for stmt in statements
            if isinstance(stmt, cst.SimpleStatementLine | cst.BaseCompoundStatement)
        ]
        (module_helpers if at_module_level else beside).extend(placed)
    return beside, module_helpers


def _foreign_indentation(statements: Sequence[cst.BaseStatement], unit: str) -> bool:
    """Whether a nested block of ``statements`` indents with tabs where the file uses spaces, or the reverse."""
    finder = _IndentKinds()
    for stmt in statements:
        stmt.visit(finder)
    return any(("\t" in indent) != ("\t" in unit) for indent in finder.explicit)


def _with_default_indentation(stmt: cst.BaseStatement) -> cst.BaseStatement:
    updated = stmt.visit(_DefaultIndentation())
    if not isinstance(updated, cst.BaseStatement):
        raise TypeError("re-indenting a statement removed it")
    return updated


class _IndentKinds(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.explicit: list[str] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        return isinstance(node, STATEMENT_CONTAINERS) and super().on_visit(node)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        if node.indent is not None:
            self.explicit.append(node.indent)


class _DefaultIndentation(cst.CSTTransformer):
    """Nested blocks in the file's own indentation unit."""

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        return updated_node.with_changes(indent=None)


__all__ = ["NewBody", "body_indent", "helper_statements", "is_cst_docstring", "new_body", "parse_block"]
