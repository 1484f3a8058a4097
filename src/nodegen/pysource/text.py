"""Lines and columns of Python source, counted the way Python's tokenizer counts them."""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from typing import overload

# Python breaks lines at \n, \r\n and \r only; str.splitlines also breaks at these characters.
_ODD_LINE_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` with their endings, broken exactly where Python's tokenizer breaks them."""
    if _ODD_LINE_BREAKS.search(text) is None:
        return text.splitlines(keepends=True)
    lines: list[str] = []
    start = 0
    for match in _LINE_BREAK.finditer(text):
        lines.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


class LineIndex(Sequence[str]):
    """The lines of a text (as :func:`split_lines` breaks them) by where each starts: a sequence of them, and any
    run of them by number, without holding the lines (an integer each, where a list of a 20 MB file's lines is
    ~90 MB)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = array("q", [0])
        self._starts.extend(match.end() for match in _LINE_BREAK.finditer(text))
        if self._starts[-1] != len(text):
            self._starts.append(len(text))  # the end of a last line without a break

    def __len__(self) -> int:
        return len(self._starts) - 1

    def span(self, first: int, last: int) -> str:
        """Lines ``first``..``last`` (1-based, inclusive; none when ``last < first``), with their endings."""
        if last < first:
            return ""
        return self.text[self._starts[first - 1] : self._starts[min(last, len(self))]]

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        """Line ``index`` (0-based, as in the list :func:`split_lines` gives), or a list of lines."""
        if isinstance(index, slice):
            return [self[number] for number in range(*index.indices(len(self)))]
        number = index + len(self) if index < 0 else index
        if not 0 <= number < len(self):
            raise IndexError(index)
        return self.span(number + 1, number + 1)


def line_breaks(text: str, start: int = 0, end: int | None = None) -> int:
    """How many lines ``text[start:end]`` ends, broken as Python breaks them (at \\n, \\r\\n and \\r)."""
    stop = len(text) if end is None else end
    return text.count("\n", start, stop) + text.count("\r", start, stop) - text.count("\r\n", start, stop)


def line_count(text: str) -> int:
    """``len(split_lines(text))`` without splitting (a 20 MB file's 1.25 million lines held at once are ~90 MB)."""
    return line_breaks(text) + (1 if text and not text.endswith(("\n", "\r")) else 0)


def line_offsets(text: str, lines: set[int]) -> dict[int, int]:
    """Where each of ``lines`` (1-based, as :func:`split_lines` breaks them) starts in ``text`` (past its end for a
    line after the last), found in one pass without holding the lines."""
    offsets = {1: 0} if 1 in lines else {}
    line = 1
    for match in _LINE_BREAK.finditer(text):
        line += 1
        if line in lines:
            offsets[line] = match.end()
    for wanted in lines - offsets.keys():
        offsets[wanted] = len(text)
    return offsets


def editor_line_count(lines: Sequence[str]) -> int:
    """Lines as an editor numbers them (``lines`` from :func:`split_lines`): a final line break opens one more."""
    if not lines:
        return 0
    return len(lines) + (1 if lines[-1].endswith(("\n", "\r")) else 0)


def dominant_newline(text: str) -> str:
    """The line ending most of ``text`` uses (``\\n`` when it has none)."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    if crlf > lf and crlf >= cr:
        return "\r\n"
    if cr > lf:
        return "\r"
    return "\n"


def char_col(line: str, byte_col: int) -> int:
    """Convert the UTF-8 byte offset that ``ast`` reports into a character offset in ``line``."""
    if line.isascii():
        return byte_col
    return len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


def byte_col(line: str, char_col: int) -> int:
    """Convert a character offset in ``line`` into the UTF-8 byte offset ``ast`` uses."""
    return char_col if line.isascii() else len(line[:char_col].encode("utf-8"))


def leading_whitespace(line: str) -> str:
    """The indentation of ``line``, exactly as written."""
    return line[: len(line) - len(line.lstrip(" \t\f"))]


def indent_width(indent: str) -> int:
    """Width of an indentation, tabs to the next multiple of 8 as Python counts them."""
    return len(indent.expandtabs(8))


__all__ = [
    "LineIndex",
    "byte_col",
    "char_col",
    "dominant_newline",
    "editor_line_count",
    "indent_width",
    "leading_whitespace",
    "line_breaks",
    "line_count",
    "line_offsets",
    "split_lines",
]
