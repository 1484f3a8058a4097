"""A parsed Python module with its lines, scopes and exact source slices."""

from __future__ import annotations

import ast
import re
import tokenize
from functools import cached_property

from nodegen.onex import EnumCoreErrorCode, ModelOnexError

from .scopes import ModuleScopes, Scope, ScopeNode, collect_scopes
from .text import char_col, leading_whitespace, split_lines

BOM = "\ufeff"
# What may stand between a header's last parameter (or return annotation) and its colon on the same line.
_TO_HEADER_COLON = re.compile(r"[ \t,/)]*:")
_EMPTY_PARAMETERS = re.compile(r"(?:async[ \t]+)?def[ \t]+\w+[ \t]*\([ \t]*\)[ \t]*:")


def parse_source(source: str) -> ast.Module:
    """Parse ``source``, turning every way it can fail into ``ModelOnexError(VALIDATION_ERROR)`` with a position."""
    if "\x00" in source:
        line = source.count("\n", 0, source.index("\x00")) + 1
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.VALIDATION_ERROR,
            message=f"the source holds a NUL byte (line {line}): it is binary data, not Python source",
            line=line,
        )
    try:
        return ast.parse(source)
    except SyntaxError as error:
        line, column = error.lineno or 0, error.offset or 0
        text = (error.text or "").strip()
        where = f" at line {line}, column {column}" if line else ""
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.VALIDATION_ERROR,
            message=f"syntax error{where}: {error.msg}" + (f": {text}" if text else ""),
            cause=error,
            line=line,
            column=column,
        ) from error
    except (RecursionError, MemoryError) as error:
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.VALIDATION_ERROR,
            message="the source is nested too deeply for Python's parser to read",
            cause=error,
        ) from error


class SourceModule:
    """One source text, parsed once; a leading byte-order mark is set aside (``has_bom``) and line numbers are
    those of the file."""

    def __init__(self, source: str) -> None:
        self.has_bom = source.startswith(BOM)
        self.text = source[1:] if self.has_bom else source
        self.tree = parse_source(self.text)
        self.lines = split_lines(self.text)
        self._headers: dict[int, str] = {}
        self._body_indents: dict[int, str] = {}

    @cached_property
    def structure(self) -> ModuleScopes:
        """Functions, classes and top-level imports of the module."""
        return collect_scopes(self.tree)

    @property
    def scopes(self) -> list[Scope]:
        """Every function and class, in source order."""
        return self.structure.scopes

    def segment(self, node: ast.expr | ast.stmt) -> str:
        """The exact source of ``node``."""
        start, end = node.lineno, node.end_lineno or node.lineno
        first = self.lines[start - 1]
        last = self.lines[end - 1]
        start_col = char_col(first, node.col_offset)
        end_col = char_col(last, node.end_col_offset or 0)
        if start == end:
            return first[start_col:end_col]
        return first[start_col:] + "".join(self.lines[start : end - 1]) + last[:end_col]

    def body_indentation(self, node: ScopeNode) -> str:
        """The whitespace before the body's statements; def indent plus one level when the body shares its line."""
        key = id(node)
        cached = self._body_indents.get(key)
        if cached is not None:
            return cached
        first = node.body[0]
        line = self.lines[first.lineno - 1]
        col = char_col(line, first.col_offset)
        if line[:col].strip(" \t\f") == "":
            indent = line[:col]
        else:
            own = leading_whitespace(self.lines[node.lineno - 1])
            indent = own + ("\t" if "\t" in own else "    ")
        self._body_indents[key] = indent
        return indent

    def header_source(self, node: ScopeNode) -> str:
        """Source from ``def``/``async def``/``class`` to the header's colon (exclusive), exactly as written.

        The colon is found from the last parameter or the return annotation when only spaces, commas, slashes and
        closing parentheses stand between them; otherwise (comments, line continuations) by tokenizing the header.
        """
        key = id(node)
        cached = self._headers.get(key)
        if cached is None:
            cached = self._header(node)
            self._headers[key] = cached
        return cached

    def _header(self, node: ScopeNode) -> str:
        first = node.lineno - 1
        start_col = char_col(self.lines[first], node.col_offset)
        colon = self._header_colon(node, start_col)
        if colon is not None:
            last_index, col = colon
            if last_index == first:
                return self.lines[first][start_col:col].rstrip()
            text = self.lines[first][start_col:] + "".join(self.lines[first + 1 : last_index])
            return (text + self.lines[last_index][:col]).rstrip()
        header_lines = [self.lines[first][start_col:], *self.lines[first + 1 : node.body[0].lineno]]
        feed = iter(header_lines)
        depth = 0
        try:
            for token in tokenize.generate_tokens(lambda: next(feed, "")):
                if token.type != tokenize.OP:
                    continue
                if token.string in "([{":
                    depth += 1
                elif token.string in ")]}":
                    depth -= 1
                elif token.string == ":" and depth == 0:
                    row, col = token.start
                    text = "".join(header_lines[: row - 1]) + header_lines[row - 1][:col]
                    return text.rstrip()
        except (tokenize.TokenError, SyntaxError):
            pass
        # Unreachable for code that parsed; a rebuilt header beats none.
        return ast.unparse(node).split("\n", 1)[0].rstrip(":")

    def _header_colon(self, node: ScopeNode, start_col: int) -> tuple[int, int] | None:
        """(line index, char column) of the header's colon when it can be found without tokenizing."""
        if isinstance(node, ast.ClassDef):
            return None
        args = node.args
        parts: list[ast.expr | ast.arg] = [*args.posonlyargs, *args.args, *args.kwonlyargs, *args.defaults]
        parts += [default for default in args.kw_defaults if default is not None]
        parts += [arg for arg in (args.vararg, args.kwarg, node.returns) if arg is not None]
        if not parts:
            line = self.lines[node.lineno - 1]
            match = _EMPTY_PARAMETERS.match(line, start_col)
            return (node.lineno - 1, match.end() - 1) if match else None
        last = max(parts, key=lambda part: (part.end_lineno or 0, part.end_col_offset or 0))
        index = (last.end_lineno or last.lineno) - 1
        line = self.lines[index]
        match = _TO_HEADER_COLON.match(line, char_col(line, last.end_col_offset or 0))
        return (index, match.end() - 1) if match else None


__all__ = ["BOM", "SourceModule", "parse_source"]
