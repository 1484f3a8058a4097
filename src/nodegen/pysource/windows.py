"""Parsing a large source file a window of top-level statements at a time, so its syntax tree is never whole.

``ast.parse`` of a 20 MB file peaks near 2.8 GB (the tree alone holds 1.3 GB); a window of about a megabyte peaks
near 150 MB. A window starts at a line that begins a top-level statement: a line at column 0 that is not blank, not
a comment, and not the ``else``/``elif``/``except``/``finally`` clause of the statement before. Such a line may
also stand inside a string or brackets; a window cut there does not parse, and is then widened (doubling) until it
does: everything before a window start parsed as whole statements, so the window's tree is the file's tree of those
lines. Each window is parsed behind line breaks standing for the lines before it, so line numbers are the file's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from nodegen.onex import ModelOnexError

from .module import SourceModule
from .text import line_breaks

WINDOW_CHARS = 1_000_000
# The windows of a reading that keeps more beside them (the statements a stage needs, a file's outline): smaller,
# so that a window's tree and what is kept are not at their largest together.
KEEPING_WINDOW_CHARS = 250_000
_STATEMENT_START = re.compile(r"(?:\r\n|\r|\n)(?=[^\s#])")
_CLAUSE = re.compile(r"(?:else|elif|except|finally)\b")


def editor_lines(source: str) -> int:
    """``editor_line_count(split_lines(source))`` without splitting: a text's line breaks plus the line they open
    (its 1.25 million lines held at once were a spike of ~90 MB on a 20 MB file)."""
    return line_breaks(source) + 1 if source else 0


def _starts(source: str) -> list[tuple[int, int]]:
    """(offset, line number) of every line that may begin a top-level statement, the end of the text last."""
    starts = [(0, 1)]
    line, previous = 1, 0
    for match in _STATEMENT_START.finditer(source):
        position = match.end()
        if _CLAUSE.match(source, position):
            continue
        line += line_breaks(source, previous, position)
        previous = position
        starts.append((position, line))
    starts.append((len(source), line + line_breaks(source, previous)))
    return starts


@dataclass(frozen=True, slots=True)
class WindowSpan:
    """Where a window stands in the text: its first and past-the-end offsets, and the file line it begins on."""

    start: int
    end: int
    line: int


def window_module(source: str, span: WindowSpan) -> SourceModule:
    """The module of one window, parsed behind line breaks standing for the lines before it (the file's numbers)."""
    return SourceModule("\n" * (span.line - 1) + source[span.start : span.end])


def window_spans(source: str, window_chars: int = WINDOW_CHARS) -> Iterator[tuple[WindowSpan, SourceModule]]:
    """Consecutive windows of ``source``, each about ``window_chars`` long, in order, with their modules; together
    they hold every top-level statement once. Raises the ``ModelOnexError`` of the first syntax error, with its file
    line, as parsing the whole text would."""
    starts = _starts(source)
    first = 0
    while first < len(starts) - 1:
        offset, line = starts[first]
        width = window_chars
        while True:
            last = first + 1
            while last < len(starts) - 1 and starts[last][0] - offset < width:
                last += 1
            span = WindowSpan(offset, starts[last][0], line)
            try:
                module = window_module(source, span)
            except ModelOnexError:
                if last == len(starts) - 1:
                    raise
                width = 2 * (span.end - offset)  # cut inside a string or brackets: widen the window
                continue
            break
        yield span, module
        first = last


def source_windows(source: str, window_chars: int = WINDOW_CHARS) -> Iterator[SourceModule]:
    """The modules of :func:`window_spans`."""
    for _, module in window_spans(source, window_chars):
        yield module


__all__ = [
    "KEEPING_WINDOW_CHARS",
    "WINDOW_CHARS",
    "WindowSpan",
    "editor_lines",
    "source_windows",
    "window_module",
    "window_spans",
]
