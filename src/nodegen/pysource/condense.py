"""A large file read by the few top-level statements a task needs, the others set aside (issue 28: fill's memory).

A syntax tree of a whole 20 MB file takes gigabytes (``ast`` 2.8 GB at its peak, libcst far more), so a stage that
needs a tree of one stub's surroundings reads the file a window at a time (``windows``) and keeps only the
statements a rule asks for. Each run of statements it does not keep becomes, in the condensed text, either one
marker line (``marked``: for an editor that must give every byte back, with a map of its lines to the file's) or
as many empty lines (``padded``: for readers of the tree alone, whose line numbers then stay the file's).
A statement owns the blank and comment lines before it; statements sharing a line are one run.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .module import SourceModule
from .text import dominant_newline, line_count, line_offsets, split_lines
from .windows import KEEPING_WINDOW_CHARS, WINDOW_CHARS, window_spans

LARGE_SOURCE_CHARS = WINDOW_CHARS  # a text up to this long is read whole: a window would hold all of it
_MARKER = "# nodegen: {count} lines set aside ({index})"
_MARKER_WORDS = " lines set aside ("

KeepRule = Callable[[ast.stmt, int], bool]
"""Whether to keep a top-level statement, given it and its position among the file's top-level statements."""


@dataclass(frozen=True, slots=True)
class Run:
    """Lines ``first``..``last`` of the file (1-based, inclusive), kept or set aside."""

    first: int
    last: int
    kept: bool


def shallow_nodes(stmt: ast.stmt) -> Iterator[ast.AST]:
    """The statement's nodes where it stands: not inside the bodies of functions, classes and lambdas."""
    stack: list[ast.AST] = [stmt]
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))


def bound_names(stmt: ast.stmt) -> set[str]:
    """The names ``stmt`` binds where it stands (definitions, assignments, imports, ``global``)."""
    binds: set[str] = set()
    for node in shallow_nodes(stmt):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            binds.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            binds.add(node.id)
        elif isinstance(node, ast.alias):
            binds.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.Global | ast.Nonlocal):
            binds.update(node.names)
    return binds


def holds_import(stmt: ast.stmt) -> bool:
    """An import where the statement stands (``try: import x``, ``if TYPE_CHECKING: ...``)."""
    return any(isinstance(node, ast.Import | ast.ImportFrom) for node in shallow_nodes(stmt))


def in_header(stmt: ast.stmt, index: int) -> bool:
    """What every reading of a module keeps of its top-level statements: the docstring (``index`` 0) and every
    statement that holds an import."""
    docstring = index == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
    return docstring or holds_import(stmt)


def first_line(stmt: ast.stmt) -> int:
    """The statement's first line: its first decorator's, for a decorated definition."""
    decorators: list[ast.expr] = getattr(stmt, "decorator_list", [])
    return min([stmt.lineno, *(d.lineno for d in decorators)])


def statement_runs(text: str, keep: KeepRule, each_window: Callable[[SourceModule], None] | None = None) -> list[Run]:
    """The file's lines as runs of top-level statements, kept as ``keep`` says, read a window at a time (each
    window's module also given to ``each_window``, for a check of the same reading). Raises the ``ModelOnexError``
    of the first syntax error (``windows.window_spans``)."""
    runs: list[Run] = []
    start, index = 1, 0
    for _, module in window_spans(text, KEEPING_WINDOW_CHARS):
        if each_window is not None:
            each_window(module)
        for stmt in module.tree.body:
            end = stmt.end_lineno or stmt.lineno
            kept = keep(stmt, index)
            index += 1
            if runs and first_line(stmt) <= runs[-1].last:  # on the line of the statement before: one run
                previous = runs.pop()
                runs.append(Run(previous.first, max(end, previous.last), previous.kept or kept))
            else:
                runs.append(Run(start, end, kept))
            start = runs[-1].last + 1
    lines = line_count(text)
    if start <= lines:  # comment and blank lines after the last statement
        runs.append(Run(start, lines, True))
    merged: list[Run] = []
    for run in runs:
        if merged and merged[-1].kept == run.kept:
            merged[-1] = Run(merged[-1].first, run.last, run.kept)
        else:
            merged.append(run)
    return merged


def _slices(text: str, runs: list[Run]) -> list[tuple[Run, int, int]]:
    bounds = line_offsets(text, {run.first for run in runs} | {run.last + 1 for run in runs})
    return [(run, bounds[run.first], bounds[run.last + 1]) for run in runs]


def padded(text: str, runs: list[Run]) -> str:
    """``text`` with every run set aside left as empty lines: the kept statements stand at the file's lines."""
    newline = dominant_newline(text)
    return "".join(
        text[start:end] if run.kept else newline * (run.last - run.first + 1) for run, start, end in _slices(text, runs)
    )


@dataclass(frozen=True, slots=True)
class LineMap:
    """Lines of a marked text to the file's: the marker at line ``at`` stands for ``count`` lines."""

    markers: tuple[tuple[int, int], ...]  # (marker line, lines it stands for), in order

    def to_full(self, line: int) -> int:
        return line + sum(count - 1 for at, count in self.markers if at < line)

    def extra_lines(self) -> int:
        """How many more lines the file has than the marked text."""
        return sum(count - 1 for _, count in self.markers)

    def to_marked(self, line: int) -> int | None:
        """The marked text's line for a line of the file (None: it stands in a run set aside)."""
        shift = 0
        for at, count in self.markers:
            if line < at + shift:
                break
            if line < at + shift + count:
                return None
            shift += count - 1
        return line - shift


@dataclass(frozen=True, slots=True)
class Marked:
    """A text with each run set aside as one marker line, and how to give the whole text back."""

    text: str
    lines: LineMap
    source: str
    aside: tuple[tuple[str, int, int], ...]  # each marker's line (without its break) and its run's offsets

    def file_line(self, text: str, line: int) -> int:
        """Line ``line`` of ``text`` (this text, or one an edit made from it that kept its marker lines) as the
        file's line: each marker line before it counts for the lines it stands for."""
        counts = {marker: count for (marker, _, _), (_, count) in zip(self.aside, self.lines.markers, strict=True)}
        shift = 0
        for piece in split_lines(text)[: max(line - 1, 0)]:
            shift += counts.get(piece.rstrip("\r\n"), 1) - 1
        return line + shift

    def expand(self, edited: str) -> tuple[str, LineMap] | None:
        """``edited`` (this text after an edit that kept every marker line) with each marker replaced by its run,
        and the map of ``edited``'s lines to the result's; None when a marker is missing, repeated or out of order."""
        wanted = {marker: index for index, (marker, _, _) in enumerate(self.aside)}
        pieces: list[str] = []
        found: list[tuple[int, int]] = []
        for number, line in enumerate(split_lines(edited), start=1):
            index = wanted.get(line.rstrip("\r\n"))
            if index is None:
                pieces.append(line)
                continue
            if index != len(found):
                return None
            _, start, end = self.aside[index]
            pieces.append(self.source[start:end])
            found.append((number, self.lines.markers[index][1]))
        if len(found) != len(self.aside):
            return None
        return "".join(pieces), LineMap(tuple(found))


def marked(text: str, runs: list[Run]) -> Marked | None:
    """``text`` with every run set aside as one marker line; None when a line of the file reads as a marker."""
    newline = dominant_newline(text)
    pieces: list[str] = []
    markers: list[tuple[int, int]] = []
    aside: list[tuple[str, int, int]] = []
    line = 1
    for run, start, end in _slices(text, runs):
        if run.kept:
            pieces.append(text[start:end])
            line += run.last - run.first + 1
            continue
        marker = _MARKER.format(count=run.last - run.first + 1, index=len(aside))
        pieces.append(marker + newline)
        markers.append((line, run.last - run.first + 1))
        aside.append((marker, start, end))
        line += 1
    if aside and _MARKER_WORDS in text:  # the file's own line could be taken for a marker
        return None
    return Marked("".join(pieces), LineMap(tuple(markers)), text, tuple(aside))


__all__ = [
    "LARGE_SOURCE_CHARS",
    "KeepRule",
    "LineMap",
    "Marked",
    "Run",
    "bound_names",
    "first_line",
    "holds_import",
    "in_header",
    "marked",
    "padded",
    "shallow_nodes",
    "statement_runs",
]
