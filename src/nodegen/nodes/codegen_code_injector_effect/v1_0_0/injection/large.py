"""A large file edited through the statements the edit needs (issue 28: fill on a 2 MB file peaked at 954 MB, of
which the libcst tree of the whole file took 784 MB).

Over ``LARGE_SOURCE_CHARS`` the file is read a window at a time and only these top-level statements are parsed for
editing (``pysource.condense``): the module docstring; every statement holding an import (the import rules read
them); every statement on or beside a request's line; every statement that binds a word of a request's name, code
or imports (its target, the same-named definitions that make a target ambiguous, and the names a helper would
clash with). The rest stands as one marker line each, so the edited text is the file's own bytes around the edit,
and the line numbers in what comes back (regions, refusals and the lines their messages name) are the file's. Whether
the file compiles as it is is asked of every window of that same reading. When the marker lines do not come back
exactly (an edit that moved one), the caller edits the whole file instead: condensing never decides an outcome on
its own.
"""

from __future__ import annotations

import ast
import copy
import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import Literal

from nodegen.nodes.codegen_code_injector_effect.v1_0_0.models import (
    ModelCodeInjectionRequest,
    ModelInjectionError,
    ModelInjectionPreview,
)
from nodegen.onex import ModelOnexError
from nodegen.pysource import FunctionNode, SourceModule, split_lines
from nodegen.pysource.condense import (
    LineMap,
    Marked,
    bound_names,
    first_line,
    in_header,
    marked,
    statement_runs,
)
from nodegen.pysource.text import line_offsets

from .options import InjectionOptions, not_compiling
from .source import compile_failure

Preview = Callable[[str, Sequence[ModelCodeInjectionRequest], InjectionOptions], ModelInjectionPreview]
Definition = Callable[[str, str, int | None, InjectionOptions], FunctionNode | None]
_WORD = re.compile(r"[^\W\d]\w*")
_Code = tuple[Literal["replace", "delete", "insert", "equal"], int, int, int, int]  # difflib's opcodes
_BESIDE = 2  # lines either side of a request's line whose statements are kept (the loose line match's reach)


class _Compiles:
    """Whether a text compiles, asked of each window as it is read (the first problem kept); a ``from __future__``
    import after the first window is the file's error, as the compiler would say."""

    def __init__(self) -> None:
        self.problem: str | None = None
        self._first = True

    def __call__(self, module: SourceModule) -> None:
        first, self._first = self._first, False
        if self.problem is not None:
            return
        for stmt in module.tree.body if not first else ():
            if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__" and not stmt.level:
                self.problem = f"from __future__ imports must occur at the beginning of the file (line {stmt.lineno})"
                return
        failure = compile_failure(module.tree)
        self.problem = None if failure is None else failure[0]


def _condense(
    source: str, requests: Sequence[ModelCodeInjectionRequest], compiles: _Compiles | None = None
) -> Marked | None:
    """``source`` with what ``requests`` need (the module docstring says what) and the rest set aside, each window
    of the same reading asked whether it compiles (``compiles``); None when it does not parse (the whole file's
    reading says why) or a line of it reads as a marker."""
    words: set[str] = set()
    lines: set[int] = set()
    for request in requests:
        words.update(_WORD.findall(f"{request.target} {request.generated_code} {' '.join(request.required_imports)}"))
        if request.expected_line is not None:
            lines.update(range(request.expected_line - _BESIDE, request.expected_line + _BESIDE + 1))

    def keep(stmt: ast.stmt, index: int) -> bool:
        first, end = first_line(stmt), stmt.end_lineno or stmt.lineno
        beside = any(first <= line <= end for line in lines)
        return in_header(stmt, index) or beside or not words.isdisjoint(bound_names(stmt))

    try:
        return marked(source, statement_runs(source, keep, compiles))
    except ModelOnexError:
        return None


def condensed_definition(
    source: str, qualified_name: str, line: int | None, options: InjectionOptions, whole: Definition
) -> FunctionNode | None:
    """``whole``'s reading of the stub's ``def`` made on the statements around it, at the file's lines."""
    request = ModelCodeInjectionRequest(qualified_name=qualified_name, expected_line=line, generated_code="")
    condensed = _condense(source, [request])
    if condensed is None:
        return whole(source, qualified_name, line, options)
    shifted = _shift(request, condensed.lines).expected_line
    node = whole(condensed.text, qualified_name, shifted, replace(options, line_in_file=condensed.file_line))
    if node is None:
        return None
    moved = copy.deepcopy(node)  # one shift: a kept statement's lines stay together
    return ast.increment_lineno(moved, condensed.lines.to_full(node.lineno) - node.lineno)


def condensed_preview(
    source: str, requests: Sequence[ModelCodeInjectionRequest], options: InjectionOptions, whole: Preview
) -> ModelInjectionPreview | None:
    """``whole``'s preview of ``requests`` made on the statements they need of ``source``, given back for the
    whole file; None when ``source`` must be edited whole (it does not parse, or the markers did not come back)."""
    compiles = _Compiles() if requests and options.compile_result else None
    condensed = _condense(source, requests, compiles)
    if condensed is None:
        return None
    if compiles is not None and compiles.problem is not None:
        return not_compiling(source, requests, compiles.problem)
    shifted = [_shift(request, condensed.lines) for request in requests]
    result = whole(condensed.text, shifted, replace(options, line_in_file=condensed.file_line))
    expanded = condensed.expand(result.source)
    if expanded is None:
        return None
    text, edited_lines = expanded
    return result.model_copy(
        update={
            "source": text,
            "diff_hunks": _hunks(condensed, result.source, (source, text), edited_lines),
            "regions": [
                region.model_copy(
                    update={
                        "first_line": edited_lines.to_full(region.first_line),
                        "last_line": edited_lines.to_full(region.last_line),
                    }
                )
                for region in result.regions
            ],
            "errors": [_error_lines(error, condensed.lines) for error in result.errors],
        }
    )


def _shift(request: ModelCodeInjectionRequest, lines: LineMap) -> ModelCodeInjectionRequest:
    if request.expected_line is None:
        return request
    return request.model_copy(update={"expected_line": lines.to_marked(request.expected_line)})


def _error_lines(error: ModelInjectionError, lines: LineMap) -> ModelInjectionError:
    """A refusal made on the condensed text, with its line the file's (its message names the file's already)."""
    return error.model_copy(
        update={"line_number": None if error.line_number is None else lines.to_full(error.line_number)}
    )


def _hunks(before: Marked, edited: str, texts: tuple[str, str], edited_lines: LineMap) -> str | None:
    """The unified diff's hunks of the whole texts (``texts``: before, after), found by diffing the marked texts:
    a run set aside is one marker line on both sides, equal, and its lines are read from the whole text only
    where a hunk shows them. None when a marker would stand inside a change (the caller diffs the whole texts)."""
    old, new = split_lines(before.text), split_lines(edited)
    markers = {marker for marker, _, _ in before.aside}
    codes: list[_Code] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag != "equal" and any(line.rstrip("\r\n") in markers for line in [*old[i1:i2], *new[j1:j2]]):
            return None
        start, stop = _full(before.lines, i1), _full(before.lines, i2)
        codes.append((tag, start, stop, _full(edited_lines, j1), _full(edited_lines, j2)))
    groups = list(_Grouped(codes).get_grouped_opcodes(3))
    old_shown = _lines(texts[0], {n for group in groups for code in group for n in range(code[1], code[2])})
    new_shown = _lines(texts[1], {n for group in groups for code in group for n in range(code[3], code[4])})
    out: list[str] = []
    for group in groups:
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for kind, a1, a2, b1, b2 in group:
            if kind == "equal":
                out += [" " + old_shown[n] for n in range(a1, a2)]
                continue
            out += ["-" + old_shown[n] for n in range(a1, a2)]
            out += ["+" + new_shown[n] for n in range(b1, b2)]
    return "".join(ended(out))


def ended(lines: Iterable[str]) -> Iterator[str]:
    """Diff lines, the last line of a text without a line break marked as ``diff`` marks it."""
    for line in lines:
        yield line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"


class _Grouped(difflib.SequenceMatcher[str]):
    """difflib's grouping of changes into hunks, over changes found elsewhere."""

    def __init__(self, codes: list[_Code]) -> None:
        super().__init__(None, [], [])
        self.codes = codes

    def get_opcodes(self) -> list[_Code]:
        return self.codes


def _full(lines: LineMap, index: int) -> int:
    """The whole text's 0-based index of a marked text's line ``index`` (a marker's line: its run's first)."""
    return lines.to_full(index + 1) - 1


def _lines(text: str, wanted: set[int]) -> dict[int, str]:
    """The lines of ``text`` at 0-based ``wanted`` indexes, read in one pass."""
    offsets = line_offsets(text, {n + 1 for n in wanted} | {n + 2 for n in wanted})
    return {n: text[offsets[n + 1] : offsets[n + 2]] for n in wanted}


def _range(start: int, stop: int) -> str:
    """A hunk's range as ``diff -u`` writes it (difflib's rule)."""
    beginning, length = start + 1, stop - start
    if length == 1:
        return f"{beginning}"
    return f"{beginning - 1 if not length else beginning},{length}"


__all__ = ["condensed_definition", "condensed_preview", "ended"]
