"""Reading an answer: a bare body at any indentation, or a whole ``def`` of the stub (decorated, or inside its class).

The result is the body's source at indentation 0, plus what stood around the ``def``: import statements (to be
added at module level) and helper functions. Nothing here touches a file: the injector puts the body in place, the
validator checks it in place, the generator reads model answers with it.
"""

from __future__ import annotations

import ast
import io
import os
import tokenize
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated

from pydantic import Field, InstanceOf
from pydantic.json_schema import SkipJsonSchema

from .module import SourceModule
from .text import char_col, leading_whitespace, split_lines
from .trial import is_main_guard, is_trial_run, trial_tail

# Where an answer nodegen started with a function's signature and docstring ends: its code block's end, or a line
# that leaves the function (the model goes on to other code, or to calling it).
FUNCTION_ENDS = ("\n```", "\ndef ", "\nasync def ", "\nclass ", "\n@", "\nif __name__", "\nprint(", "\n# Example")

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


class EnumAnswerProblem(StrEnum):
    """Why an answer cannot be used (the values are the injector's error codes)."""

    SYNTAX_ERROR = "syntax_error"
    EMPTY_BODY = "empty_body"
    UNEXPECTED_CODE = "unexpected_code"

    @property
    def finding_code(self) -> str:
        """The validator's finding code for this problem (SYN001 syntax, SYN003 empty, SYN004 unexpected code)."""
        return {"syntax_error": "SYN001", "empty_body": "SYN003", "unexpected_code": "SYN004"}[self.value]


class AnswerError(Exception):
    """The answer cannot be used; ``code`` and ``message`` say why, ``suggested_fix`` what to do."""

    def __init__(
        self,
        code: EnumAnswerProblem,
        message: str,
        *,
        suggested_fix: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.suggested_fix = suggested_fix
        self.line = line


@dataclass(slots=True)
class Helper:
    """A function the answer defines beside the stub: ``beside`` the stub in its own scope, or at module level;
    ``is_method`` when it stands in the class the answer wraps the stub in."""

    name: str
    source: str
    at_module_level: bool
    is_method: bool = False


@dataclass(slots=True)
class Answer:
    """A usable answer."""

    body: str
    function: FunctionNode | None = field(default=None, compare=False)  # the answer's own def, when it wrote one
    imports: list[str] = field(default_factory=list)
    helpers: list[Helper] = field(default_factory=list)
    # Lines of ``body`` (0-based) that are comments standing left of the code's indentation as the answer gave them:
    # wherever the body goes, they keep their column (see ``dedent_keeping``).
    outdented: frozenset[int] = frozenset()


# An answer read already, as a pydantic field: handed on in-process as it is (the generator's reading of a model's
# answer, to the validator and the injector), never serialized or shown (its text form travels beside it), in no
# schema. Every model that carries one declares it ``answer: ReadAnswer = Field(default=None, description=...)``.
ReadAnswer = Annotated[SkipJsonSchema[InstanceOf[Answer] | None], Field(exclude=True, repr=False)]


def _clean(code: str) -> str:
    text = code.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return ""
    return "\n".join(lines) + "\n"  # leading blank lines are formatting (say, after the docstring): they stay


class _Role(StrEnum):
    """What a physical line of a snippet is, as the tokenizer sees it."""

    CODE = "code"  # a logical line (a statement) starts here: only these lines say how the code is indented
    COMMENT = "comment"  # nothing but a comment
    STRING = "string"  # the line begins inside a string that started above: its text is the string's value
    CONTINUATION = "continuation"  # inside brackets or after a backslash: free-form
    BLANK = "blank"


_NOT_STATEMENT_STARTS = frozenset(
    {tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
)


def _line_roles(text: str) -> list[_Role] | None:
    """The role of each line of ``text`` (split at ``\\n``), or None when the tokenizer cannot read it."""
    lines = text.split("\n")
    roles = [_Role.CONTINUATION if line.strip() else _Role.BLANK for line in lines]
    at_statement_start = True
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            (first_row, first_col), (last_row, _) = token.start, token.end
            if token.type == tokenize.STRING and last_row > first_row:
                for row in range(first_row + 1, last_row + 1):
                    roles[row - 1] = _Role.STRING
            if token.type == tokenize.COMMENT and not lines[first_row - 1][:first_col].strip():
                roles[first_row - 1] = _Role.COMMENT
            if token.type not in _NOT_STATEMENT_STARTS and at_statement_start:
                roles[first_row - 1] = _Role.CODE
            if token.type == tokenize.NEWLINE:
                at_statement_start = True
            elif token.type not in _NOT_STATEMENT_STARTS:
                at_statement_start = False
    except (tokenize.TokenError, SyntaxError):  # IndentationError is a SyntaxError
        return None
    return roles


def dedent(text: str) -> str:
    """Remove the indentation common to the code's statement lines (see :func:`dedent_keeping`)."""
    return dedent_keeping(text)[0]


def dedent_keeping(text: str) -> tuple[str, frozenset[int]]:
    """Remove the indentation common to the code's statement lines, as the tokenizer finds them, and say which
    lines keep their column.

    Lines inside a string never count and never change (their text is the string's value). Comment-only lines that
    carry the common indentation lose it; those that stand left of it (``## disabled`` at column 0 inside a body)
    keep their column, and their indexes are returned so that :func:`indent_code` leaves them there too: a body moved
    back to where it came from is byte for byte what it was. Continuation lines lose what they share of the
    indentation; whitespace-only lines stay as they are (``textwrap.dedent`` would empty them). Text the tokenizer
    cannot read is dedented by its content lines."""
    lines = text.split("\n")
    roles = _line_roles(text)
    if roles is None:
        roles = [_Role.CODE if line.strip() else _Role.BLANK for line in lines]
    indents = [leading_whitespace(line) for line, role in zip(lines, roles, strict=True) if role is _Role.CODE]
    common = os.path.commonprefix(indents) if indents else ""  # noqa: RUF071 - a character prefix is what is meant
    out = []
    kept: set[int] = set()
    for index, (line, role) in enumerate(zip(lines, roles, strict=True)):
        if role in (_Role.STRING, _Role.BLANK):
            out.append(line)
        elif role is _Role.COMMENT and common and not line.startswith(common):
            out.append(line)
            kept.add(index)
        else:
            shared = os.path.commonprefix([common, leading_whitespace(line)])  # noqa: RUF071 - characters
            out.append(line[len(shared) :])
    return "\n".join(out), frozenset(kept)


def indent_code(text: str, indent: str, keep: Collection[int] = ()) -> str:
    """``text`` (code at indentation 0) moved to ``indent`` as one piece: every line with content gains ``indent``
    except lines inside a string, whose text is the string's value and never changes, and the lines ``keep`` names
    (comments that stood left of the code, from :func:`dedent_keeping`), which keep their column."""
    lines = text.split("\n")
    roles = _line_roles(text) or [_Role.CODE if line.strip() else _Role.BLANK for line in lines]
    return "\n".join(
        indent + line if role not in (_Role.STRING, _Role.BLANK) and index not in keep else line
        for index, (line, role) in enumerate(zip(lines, roles, strict=True))
    )


def _leading_tabs_as_spaces(text: str) -> str:
    out = []
    for line in text.split("\n"):
        stripped = line.lstrip(" \t")
        out.append(line[: len(line) - len(stripped)].replace("\t", "    ") + stripped)
    return "\n".join(out)


def _dedent_candidates(text: str) -> Iterator[tuple[str, frozenset[int]]]:
    """Ways to read an indented snippet at indentation 0, most faithful first, with the lines that keep their
    column (the most faithful reading alone says which)."""
    yield dedent_keeping(text)
    first, _, rest = text.partition("\n")
    if rest:
        # A body copied from after "def f():" often has its first line unindented and the rest indented.
        yield first.strip() + "\n" + dedent(rest), frozenset()
    spaced = _leading_tabs_as_spaces(text)
    if spaced != text:
        yield dedent(spaced), frozenset()


def parse_snippet(code: str) -> tuple[str, ast.Module]:
    """The snippet at indentation 0 and its syntax tree; ``AnswerError(SYNTAX_ERROR)`` naming line and column."""
    text, tree, _ = _read_snippet(code)
    return text, tree


def _read_snippet(code: str) -> tuple[str, ast.Module, frozenset[int]]:
    """:func:`parse_snippet`, with the lines that keep their column."""
    text = _clean(code)
    if not text.strip():
        raise AnswerError(
            EnumAnswerProblem.EMPTY_BODY,
            "the generated code is empty",
            suggested_fix="answer with the statements of the function's body",
        )
    errors: list[SyntaxError] = []
    for candidate, outdented in _dedent_candidates(text):
        try:
            return candidate, ast.parse(candidate), outdented
        except SyntaxError as error:
            errors.append(error)
        except (RecursionError, MemoryError, ValueError) as error:
            raise AnswerError(
                EnumAnswerProblem.SYNTAX_ERROR, f"the generated code cannot be parsed: {error}"
            ) from error
    first_error = errors[0]  # the most faithful reading's error is the one worth reporting
    line, column = first_error.lineno or 0, first_error.offset or 0
    offending = (first_error.text or "").strip()
    raise AnswerError(
        EnumAnswerProblem.SYNTAX_ERROR,
        f"the generated code has a syntax error at line {line}, column {column}: {first_error.msg}"
        + (f": {offending}" if offending else ""),
        suggested_fix="fix that line; the code must be valid Python on its own",
        line=line,
    )


def _find_target(body: list[ast.stmt], name: str) -> tuple[FunctionNode, ast.ClassDef | None] | None:
    """The answer's def of ``name``: at top level, or inside a (possibly nested) class."""
    for stmt in body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.name == name:
            return stmt, None
    for stmt in body:
        if isinstance(stmt, ast.ClassDef):
            for inner in stmt.body:
                if isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef) and inner.name == name:
                    return inner, stmt
            nested = _find_target(stmt.body, name)
            if nested is not None:
                return nested
    return None


def _body_end(module: SourceModule, function: FunctionNode) -> int:
    """The index of the line after the function's body: past its last statement, and past the comment lines that
    follow it indented deeper than its ``def`` (they are the body's own, as in ``# cannot get here``)."""
    lines = module.lines
    own = leading_whitespace(lines[function.lineno - 1])
    end = function.end_lineno or function.lineno
    index = end
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if stripped and not (
            stripped.startswith("#") and line.startswith(own) and len(leading_whitespace(line)) > len(own)
        ):
            break
        index += 1
        if stripped:
            end = index  # blank lines after the last comment are not the body's
    return end


def _body_source(module: SourceModule, function: FunctionNode) -> tuple[str, frozenset[int]]:
    """The lines of the function's body (comments before its first statement and after its last included), at
    indentation 0, and which of them keep their column."""
    header = module.header_source(function)
    colon_index = function.lineno - 1 + header.count("\n")
    lines = module.lines
    end = _body_end(module, function)
    if function.body[0].lineno - 1 > colon_index:
        return dedent_keeping("".join(lines[colon_index + 1 : end]))
    # "def f(x): return x" - the body shares the header's line.
    colon_line = lines[colon_index]
    offset = len(header.split("\n")[-1])
    if "\n" not in header:
        offset += char_col(lines[function.lineno - 1], function.col_offset)
    after = colon_line[colon_line.index(":", offset) + 1 :].strip()
    rest, outdented = dedent_keeping("".join(lines[colon_index + 1 : end]))
    return after + "\n" + rest, frozenset(index + 1 for index in outdented)


def _definition_source(module: SourceModule, node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    start = (node.decorator_list[0].lineno if node.decorator_list else node.lineno) - 1
    return dedent("".join(module.lines[start : node.end_lineno or node.lineno]))


def read_answer(code: str, target_name: str, echoed: Collection[str] = ()) -> Answer:
    """Read ``code`` as an answer for the stub called ``target_name`` (its plain name). A module-level class or
    assignment that binds only names in ``echoed`` (the file already defines them: the model repeated the file around
    the function) is passed over."""
    text, tree, outdented = _read_snippet(code)
    statements = [stmt for stmt in tree.body if not (is_main_guard(stmt) or is_trial_run(stmt))]
    found = _find_target(statements, target_name)
    if found is None:
        return Answer(body=text, outdented=outdented)
    function, owner_class = found
    module = SourceModule(text)
    body, outdented = _body_source(module, function)
    answer = Answer(body=body, function=function, outdented=outdented)
    top = next(stmt for stmt in statements if stmt is function or stmt is owner_class or _contains(stmt, function))
    trial = trial_tail(statements, top, target_name)
    if owner_class is not None:
        for stmt in owner_class.body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt is not function:
                answer.helpers.append(
                    Helper(stmt.name, _definition_source(module, stmt), at_module_level=False, is_method=True)
                )
    for stmt in statements:
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            answer.imports.append(module.segment(stmt))
        elif stmt is function or stmt is owner_class or _contains(stmt, function) or id(stmt) in trial:
            continue
        elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            beside = owner_class is None
            answer.helpers.append(Helper(stmt.name, _definition_source(module, stmt), at_module_level=not beside))
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
            continue  # a module docstring around the answer
        elif _echoes(stmt, echoed):
            continue  # the file's own class or constant, repeated around the function: the file's is kept
        else:
            first_line = split_lines(module.segment(stmt))[0].rstrip()
            raise AnswerError(
                EnumAnswerProblem.UNEXPECTED_CODE,
                f"the answer has module-level code besides `{target_name}` at line {stmt.lineno}: {first_line}",
                suggested_fix=f"move it inside `{target_name}`, or answer with the function's body only",
                line=stmt.lineno,
            )
    _check_parses(answer.body)
    return answer


def _echoes(stmt: ast.stmt, echoed: Collection[str]) -> bool:
    """A class, or an assignment of plain names, that binds only names of ``echoed``."""
    if isinstance(stmt, ast.ClassDef):
        return stmt.name in echoed
    if isinstance(stmt, ast.Assign | ast.AnnAssign):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        return all(isinstance(t, ast.Name) and t.id in echoed for t in targets)
    return False


def _check_parses(body: str) -> None:
    """A body taken out of a whole def parses on its own (so callers may ``ast.parse`` it unguarded)."""
    try:
        ast.parse(body)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        raise AnswerError(
            EnumAnswerProblem.SYNTAX_ERROR,
            f"the function's body cannot be read at its own indentation: {error}",
            suggested_fix="indent the body's statements consistently under the def line",
            line=getattr(error, "lineno", None),
        ) from error


def _contains(stmt: ast.stmt, function: FunctionNode) -> bool:
    return isinstance(stmt, ast.ClassDef) and any(node is function for node in ast.walk(stmt))


__all__ = [
    "Answer",
    "AnswerError",
    "EnumAnswerProblem",
    "Helper",
    "dedent",
    "dedent_keeping",
    "indent_code",
    "parse_snippet",
    "read_answer",
]
