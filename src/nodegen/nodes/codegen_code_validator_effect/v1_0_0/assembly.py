"""The code as it will stand: a body spliced into its stub (with the file's imports and names in scope), a whole
module as it is, or a bare body wrapped in a function so that ``return`` and ``await`` are legal.

Only the lines of the generated code count; the rest of the file is context. Imports that will be added with the
code are appended at the end of the analysed text, so no line of the user's file moves.
"""

from __future__ import annotations

import ast
import difflib
from dataclasses import dataclass, field

from nodegen.onex import EnumCoreErrorCode, ModelOnexError
from nodegen.pysource import (
    AnswerError,
    Scope,
    SourceModule,
    char_col,
    dominant_newline,
    is_docstring,
    read_answer,
    split_lines,
)
from nodegen.pysource.answer import Answer, dedent, indent_code
from nodegen.pysource.text import leading_whitespace

from .checks import RawFinding
from .models import EnumFindingSeverity, EnumValidationRule, ModelValidationTarget

WRAPPER = "async def __nodegen_body__():\n"


@dataclass(slots=True)
class Analysed:
    """The text to analyse, which of its lines are the generated code, and how to report positions."""

    text: str
    regions: list[tuple[int, int]] | None = None
    line_offset: int = 0  # analysed line - offset = reported line
    stub: ast.FunctionDef | ast.AsyncFunctionDef | None = None  # the target as the ORIGINAL file has it
    problems: list[RawFinding] = field(default_factory=list)


def standalone(code: str) -> Analysed:
    """Code with no target: a module as it is, or a bare body inside a wrapper function."""
    try:
        compile(code, "generated.py", "exec", flags=ast.PyCF_ONLY_AST)
        compile(code, "generated.py", "exec", dont_inherit=True)
        return Analysed(text=code)
    except (SyntaxError, ValueError):
        pass
    body = dedent(code.replace("\r\n", "\n").replace("\r", "\n")).rstrip("\n")
    wrapped = WRAPPER + indent_code(body, "    ") + "\n"
    try:
        compile(wrapped, "generated.py", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return Analysed(text=code)  # report the code's own syntax error, at its own positions
    return Analysed(text=wrapped, line_offset=1)


def _resolve(module: SourceModule, target: ModelValidationTarget) -> Scope:
    functions = [scope for scope in module.scopes if scope.is_function]
    wanted = target.qualified_name
    candidates = [s for s in functions if (s.qualified_name if "." in wanted else s.name) == wanted]
    if target.expected_line is not None:
        candidates = [
            s for s in candidates if target.expected_line in (s.node.lineno, *(d.lineno for d in s.node.decorator_list))
        ] or candidates
    if not candidates:
        close = difflib.get_close_matches(wanted, [s.qualified_name for s in functions], n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.VALIDATION_ERROR,
            message=f"target `{wanted}` is not a function of the target file{hint}",
        )
    if len(candidates) > 1:
        lines = ", ".join(str(s.node.lineno) for s in candidates)
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.VALIDATION_ERROR,
            message=f"target `{wanted}` names {len(candidates)} functions (lines {lines}): give expected_line",
        )
    return candidates[0]


def in_place(code: str, target: ModelValidationTarget) -> Analysed:
    """``code`` (a body or a whole def) spliced into the stub ``target`` names, as the injector will write it."""
    try:
        module = SourceModule(target.source)
    except ModelOnexError as error:
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.VALIDATION_ERROR,
            message=f"the target file does not parse, so code cannot be checked in it: {error.message}",
            cause=error,
        ) from error
    scope = _resolve(module, target)
    node = scope.node
    if isinstance(node, ast.ClassDef):
        raise TypeError("a class is not a stub")
    lines = module.lines
    newline = dominant_newline(module.text)
    header = module.header_source(node)
    colon_index = node.lineno - 1 + header.count("\n")
    try:
        answer = read_answer(code, scope.name)
    except AnswerError as problem:
        line = node.body[0].lineno + max((problem.line or 1) - 1, 0)
        finding = RawFinding(
            EnumValidationRule.SYNTAX,
            problem.code.finding_code,
            EnumFindingSeverity.ERROR,
            problem.message,
            line,
            None,
            problem.suggested_fix,
        )
        return Analysed(text=module.text, regions=[(line, line)], problems=[finding])
    kept: list[ast.stmt] = []
    for stmt in node.body:
        if node.body[0].lineno - 1 == colon_index or not (
            is_docstring(stmt) or isinstance(stmt, ast.Import | ast.ImportFrom)
        ):
            break
        kept.append(stmt)
    body_lines = _without_repeats(answer.body, kept)
    indent = module.body_indentation(node)
    new_body = [line + newline for line in indent_code("\n".join(body_lines), indent).split("\n")]
    if node.body[0].lineno - 1 == colon_index:  # "def f(): pass" - the body moves onto its own lines
        colon_line = lines[colon_index]
        offset = len(header.split("\n")[-1]) + (
            char_col(lines[node.lineno - 1], node.col_offset) if "\n" not in header else 0
        )
        colon = colon_line.index(":", offset)
        prefix = [*lines[:colon_index], colon_line[: colon + 1] + newline]
    else:
        keep_until = (kept[-1].end_lineno or colon_index + 1) if kept else colon_index + 1
        prefix = lines[:keep_until]
    suffix = lines[node.end_lineno or node.lineno :]
    regions = [(len(prefix) + 1, len(prefix) + len(new_body))]
    beside, at_top = _helper_lines(answer, scope, lines[node.lineno - 1], newline)
    if beside:  # right after the stub, in its own scope, where the injector puts them
        regions.append((len(prefix) + len(new_body) + 2, len(prefix) + len(new_body) + len(beside)))
    text = "".join([*prefix, *new_body, *beside, *suffix])
    # at the end of the module: no line of the user's file moves for them
    text = _append(text, at_top, regions, newline, leading_blank_lines=2)
    imports = [_as_statement(text) + newline for text in [*target.required_imports, *answer.imports]]
    text = _append(text, imports, regions, newline, leading_blank_lines=0)
    return Analysed(text=text, regions=regions, stub=node)


def _append(
    text: str, lines: list[str], regions: list[tuple[int, int]], newline: str, *, leading_blank_lines: int
) -> str:
    """``text`` with ``lines`` added at its end, their region (past the leading blank lines) added to ``regions``."""
    if not lines:
        return text
    if text and not text.endswith(("\n", "\r")):
        text += newline
    first = len(split_lines(text)) + 1 + leading_blank_lines
    text += "".join(lines)
    regions.append((first, len(split_lines(text))))
    return text


def _helper_lines(answer: Answer, scope: Scope, def_line: str, newline: str) -> tuple[list[str], list[str]]:
    """The answer's helper functions as lines: those beside the stub (at its ``def``'s indentation, after a blank
    line) and those at module level (after two blank lines each); the injector places them the same way."""
    beside: list[str] = []
    at_top: list[str] = []
    indent = leading_whitespace(def_line)
    for helper in answer.helpers:
        top = helper.at_module_level or (scope.parent is None and not indent)
        target = at_top if top else beside
        code = indent_code(helper.source.rstrip("\n"), "" if top else indent)
        target.extend([newline] * (2 if top else 1))
        target.extend(line + newline for line in code.split("\n"))
    return beside, at_top


def _without_repeats(body: str, kept: list[ast.stmt]) -> list[str]:
    """The body's lines, minus leading statements that repeat what the stub keeps (its docstring, its imports)."""
    lines = body.rstrip("\n").split("\n")
    if not kept:
        return lines
    try:
        statements = ast.parse(body).body
    except SyntaxError:
        return lines
    kept_dumps = {ast.dump(stmt) for stmt in kept}
    keeps_docstring = any(is_docstring(stmt) for stmt in kept)
    drop_until = 0
    for stmt in statements:
        if ast.dump(stmt) in kept_dumps or (keeps_docstring and is_docstring(stmt)):
            drop_until = stmt.end_lineno or stmt.lineno
        else:
            break
    return lines[drop_until:] or lines


def _as_statement(text: str) -> str:
    text = text.strip()
    return text if text.startswith(("import ", "from ")) else f"import {text}"


__all__ = ["WRAPPER", "Analysed", "in_place", "standalone"]
