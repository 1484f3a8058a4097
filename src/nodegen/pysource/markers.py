"""Stub markers: compiling the patterns, and finding which function's own body each marker stands in.

One regular-expression pass over the text finds every candidate marker (fast: it runs in C), and each candidate is
then confirmed against the syntax tree: which function's own body holds its line (a comment line after a body's
last statement belongs to the innermost scope it is indented into), and whether it sits inside a string literal.
"""

from __future__ import annotations

import ast
import bisect
import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from .module import SourceModule
from .scopes import Scope
from .text import byte_col, indent_width

_NOTE_SEPARATORS = " \t:-\u2013\u2014"
DEFAULT_STUB_MARKERS: tuple[str, ...] = ("# IMPLEMENTATION REQUIRED", "pass  # Stub")


@dataclass(frozen=True, slots=True)
class MarkerSet:
    """Compiled extraction patterns: one regular expression with a named group per pattern."""

    patterns: tuple[str, ...]
    regex: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Mark:
    """A confirmed marker: the pattern that matched, its line, and the note after it."""

    pattern: str
    line: int
    note: str | None


@lru_cache(maxsize=64)
def compile_markers(patterns: tuple[str, ...]) -> MarkerSet:
    """Compile ``patterns`` (each ``# TEXT`` or ``code  # TEXT``) into one case- and space-insensitive matcher.

    ``# IMPLEMENTATION REQUIRED`` also matches ``#implementation  required: parse it`` (the text after the marker,
    past any ``:``/``-``, is its note). A pattern with code before its ``#`` (``pass  # Stub``) matches that
    statement (alone on its line, or after ``def f():`` or ``;``) followed by that comment. A pattern without ``#``
    is taken as comment text. Raises ``ValueError`` for a pattern with no marker text.
    """
    alternatives = [f"(?:{_pattern_regex(pattern, index)})" for index, pattern in enumerate(patterns)]
    return MarkerSet(patterns=patterns, regex=re.compile("|".join(alternatives), re.IGNORECASE | re.MULTILINE))


def _pattern_regex(pattern: str, index: int) -> str:
    text = pattern.strip()
    hash_at = text.find("#")
    code, comment = (text[:hash_at].strip(), text[hash_at + 1 :]) if hash_at >= 0 else ("", text)
    words = comment.split()
    if not words:
        raise ValueError(f"extraction pattern {pattern!r} has no marker text after its '#'")
    comment_regex = "#[ \\t]*" + "[ \\t]*".join(re.escape(word) for word in words)
    if words[-1][-1].isalnum() or words[-1][-1] == "_":
        comment_regex += r"(?!\w)"  # "# Stub" must not match "# Stubborn"
    marked = f"(?P<c{index}>{comment_regex})(?P<n{index}>[^\\r\\n]*)"
    if not code:
        return marked
    code_regex = "[ \\t]*".join(re.escape(word) for word in code.split())
    return f"(?<![\\w.]){code_regex}[ \\t]*{marked}"  # the statement may follow 'def f():' or ';' on its line


class _MarkFinder:
    def __init__(self, module: SourceModule, markers: MarkerSet) -> None:
        self.module = module
        self.markers = markers
        self.scopes = module.scopes
        self._ending: dict[int, list[Scope]] | None = None

    def find(self) -> dict[int, Mark]:
        marks: dict[int, Mark] = {}
        lines = self.module.lines
        matches = list(self.markers.regex.finditer(self.module.text))
        if not matches:
            return marks
        line_starts = list(itertools.accumulate(map(len, lines), initial=0))
        owners = self._line_owners()
        for match in matches:
            index = int((match.lastgroup or "n0")[1:])  # the note group n<i> always takes part
            hash_pos = match.start(f"c{index}")
            line_no = bisect.bisect_right(line_starts, hash_pos)
            line = lines[line_no - 1]
            col = hash_pos - line_starts[line_no - 1]
            owner = owners[line_no]
            if line[:col].strip() == "":
                owner = self._trailing_comment_owner(line_no, indent_width(line[:col]), owner)
            if owner < 0 or owner in marks or self._inside_string(owner, line_no, byte_col(line, col)):
                continue
            note = match.group(f"n{index}").strip().lstrip(_NOTE_SEPARATORS).strip()
            marks[owner] = Mark(self.markers.patterns[index], line_no, note or None)
        return marks

    def _line_owners(self) -> list[int]:
        """For each line number, the innermost function whose span holds it (-1: module or class level)."""
        owners = [-1] * (len(self.module.lines) + 2)
        for scope in self.scopes:  # pre-order: inner scopes overwrite their parents
            start, end = scope.node.lineno, scope.node.end_lineno or scope.node.lineno
            owners[start : end + 1] = [scope.index if scope.is_function else -1] * (end - start + 1)
        return owners

    def _trailing_comment_owner(self, line_no: int, width: int, owner: int) -> int:
        """A comment line after a body's last statement belongs to the innermost scope it is indented into."""
        previous = line_no - 1
        while previous >= 1:
            text = self.module.lines[previous - 1].strip()
            if text and not text.startswith("#"):
                break
            previous -= 1
        if self._ending is None:
            self._ending = {}
            for scope in self.scopes:
                self._ending.setdefault(scope.node.end_lineno or scope.node.lineno, []).append(scope)
        for scope in reversed(self._ending.get(previous, [])):  # innermost first
            if width >= indent_width(self.module.body_indentation(scope.node)):
                return scope.index if scope.is_function else -1
        return owner

    def _inside_string(self, owner: int, line_no: int, column: int) -> bool:
        """Whether a string literal of the owner function spans the position; only nodes covering the line are
        visited, so a comment line (covered by no expression) costs a handful of steps."""
        position = (line_no, column)
        pending: list[ast.AST] = [self.scopes[owner].node]
        while pending:
            for child in ast.iter_child_nodes(pending.pop()):
                start = getattr(child, "lineno", None)
                if start is None:  # arguments, comprehensions, match cases: no position of their own
                    pending.append(child)
                    continue
                end = getattr(child, "end_lineno", None) or start
                if not start <= line_no <= end:
                    continue
                if isinstance(child, ast.JoinedStr) or (
                    isinstance(child, ast.Constant) and isinstance(child.value, str | bytes)
                ):
                    span_end = (end, getattr(child, "end_col_offset", 0) or 0)
                    if (start, getattr(child, "col_offset", 0)) <= position < span_end:
                        return True
                else:
                    pending.append(child)
        return False


def find_marks(module: SourceModule, markers: MarkerSet) -> dict[int, Mark]:
    """The first confirmed marker of each function that has one in its own body, by scope index."""
    return _MarkFinder(module, markers).find()


__all__ = ["DEFAULT_STUB_MARKERS", "Mark", "MarkerSet", "compile_markers", "find_marks"]
