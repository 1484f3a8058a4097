"""Lines and columns of Python source, counted the way Python's tokenizer counts them."""

from __future__ import annotations

import re
from collections.abc import Sequence

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
    "byte_col",
    "char_col",
    "dominant_newline",
    "editor_line_count",
    "indent_width",
    "leading_whitespace",
    "split_lines",
]
