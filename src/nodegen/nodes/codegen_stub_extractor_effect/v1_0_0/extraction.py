"""Finding the stubs of a Python source file.

A function is a stub when one of the markers stands in a comment of its **own** body: a comment line of the body,
a trailing comment of one of its statements, or a trailing comment of its ``def`` line. A marker inside a nested
function or class, inside a string literal, or in a neighbouring function does not count. ``@overload`` functions
are never stubs; ``@abstractmethod`` ones only when marked. Optionally, an unmarked body that does nothing but
``raise NotImplementedError`` is a stub too.

How: one regular-expression pass over the text finds every candidate marker (fast: it runs in C), and each candidate
is then confirmed against the syntax tree: which function's own body holds its line, and whether it sits inside a
string. Only the headers of the stubs (and of their siblings) are tokenized, to copy their signatures exactly.
"""

from __future__ import annotations

import ast
import bisect
import itertools
import re
import tokenize
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from nodegen.onex import EnumCoreErrorCode, ModelOnexError

from .models import ModelClassContext, ModelMethodStub

NOT_IMPLEMENTED_MARKER = "raise NotImplementedError"
MAX_SIBLING_SIGNATURES = 40

_FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
_ScopeNode = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef

# Python's tokenizer breaks lines at \n, \r\n and \r only; str.splitlines also breaks at these.
_ODD_LINE_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NOTE_SEPARATORS = " \t:-\u2013\u2014"
# What may stand between a header's last parameter (or return annotation) and its colon on the same line.
_TO_HEADER_COLON = re.compile(r"[ \t,/)]*:")
_EMPTY_PARAMETERS = re.compile(r"(?:async[ \t]+)?def[ \t]+\w+[ \t]*\([ \t]*\)[ \t]*:")
_COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.TryStar, ast.Match)
_ABSTRACT_DECORATORS = frozenset({"abstractmethod", "abstractproperty", "abstractclassmethod", "abstractstaticmethod"})


# --------------------------------------------------------------------------------------------------------- markers


@dataclass(frozen=True, slots=True)
class MarkerSet:
    """Compiled extraction patterns: one regular expression with a named group per pattern."""

    patterns: tuple[str, ...]
    regex: re.Pattern[str]


@lru_cache(maxsize=64)
def compile_markers(patterns: tuple[str, ...]) -> MarkerSet:
    """Compile ``patterns`` (each ``# TEXT`` or ``code  # TEXT``) into one case- and space-insensitive matcher.

    ``# IMPLEMENTATION REQUIRED`` also matches ``#implementation  required: parse it`` (the text after the marker,
    past any ``:``/``-``, is its note). A pattern with code before its ``#`` (``pass  # Stub``) matches that
    statement (alone on its line, or after ``def f():`` or ``;``) followed by that comment. A pattern without ``#``
    is taken as comment text.
    Raises ``ValueError`` for a pattern with no marker text.
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


# ----------------------------------------------------------------------------------------------------- source text


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


def _char_col(line: str, byte_col: int) -> int:
    """Convert the UTF-8 byte offset that ``ast`` reports into a character offset in ``line``."""
    if line.isascii():
        return byte_col
    return len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


def _byte_col(line: str, char_col: int) -> int:
    return char_col if line.isascii() else len(line[:char_col].encode("utf-8"))


def _leading_whitespace(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t\f"))]


def _width(indent: str) -> int:
    return len(indent.expandtabs(8))


# ---------------------------------------------------------------------------------------------------------- scopes


@dataclass(slots=True)
class _Scope:
    """A function or class of the module, with where it sits."""

    node: _ScopeNode
    qualified_name: str
    parent: _Scope | None
    index: int
    is_function: bool
    position: int = 0  # among the functions of the same scope
    children: list[_Scope] = field(default_factory=list)


def _child_bodies(stmt: ast.stmt) -> Iterator[list[ast.stmt]]:
    """Statement lists nested in a compound statement that is not a scope (if, for, while, with, try, match)."""
    if isinstance(stmt, ast.If | ast.For | ast.AsyncFor | ast.While):
        yield stmt.body
        yield stmt.orelse
    elif isinstance(stmt, ast.With | ast.AsyncWith):
        yield stmt.body
    elif isinstance(stmt, ast.Try | ast.TryStar):
        yield stmt.body
        for handler in stmt.handlers:
            yield handler.body
        yield stmt.orelse
        yield stmt.finalbody
    elif isinstance(stmt, ast.Match):
        for case in stmt.cases:
            yield case.body


def _collect_scopes(tree: ast.Module) -> tuple[list[_Scope], list[_Scope], list[ast.stmt]]:
    """Every function and class in source (pre-)order, the module's own functions, and its imports."""
    scopes: list[_Scope] = []
    module_functions: list[_Scope] = []
    imports: list[ast.stmt] = []

    def visit(body: list[ast.stmt], parent: _Scope | None, prefix: str) -> None:
        for stmt in body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                is_function = not isinstance(stmt, ast.ClassDef)
                scope = _Scope(stmt, prefix + stmt.name, parent, len(scopes), is_function)
                scopes.append(scope)
                if is_function:
                    group = parent.children if parent is not None else module_functions
                    scope.position = len(group)
                    group.append(scope)
                visit(stmt.body, scope, scope.qualified_name + (".<locals>." if is_function else "."))
            elif isinstance(stmt, _COMPOUND):
                for nested in _child_bodies(stmt):
                    visit(nested, parent, prefix)
            elif parent is None and isinstance(stmt, ast.Import | ast.ImportFrom):
                imports.append(stmt)

    visit(tree.body, None, "")
    return scopes, module_functions, imports


def _decorator_name(expr: ast.expr) -> str:
    while isinstance(expr, ast.Call):
        expr = expr.func
    if isinstance(expr, ast.Attribute):
        return expr.attr
    if isinstance(expr, ast.Name):
        return expr.id
    return ""


def _is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def _raises_not_implemented(stmt: ast.stmt) -> bool:
    if not isinstance(stmt, ast.Raise) or stmt.exc is None:
        return False
    exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


def _is_placeholder(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Pass) or _raises_not_implemented(stmt):
        return True
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and stmt.value.value is Ellipsis


def _statements_after_docstring(node: _FunctionNode) -> list[ast.stmt]:
    return node.body[1:] if node.body and _is_docstring(node.body[0]) else list(node.body)


def is_placeholder_body(node: _FunctionNode) -> bool:
    """True when the body holds nothing but a docstring, ``pass``, ``...`` or ``raise NotImplementedError``."""
    return all(_is_placeholder(stmt) for stmt in _statements_after_docstring(node))


# ------------------------------------------------------------------------------------------------------ extraction


@dataclass(slots=True)
class _Mark:
    pattern: str
    line: int
    note: str | None


@dataclass(slots=True)
class ExtractionOutput:
    """What :func:`extract_stubs` found."""

    stubs: list[ModelMethodStub]
    file_lines: int
    module_docstring: str | None


class _Extractor:
    """One pass over one source text."""

    def __init__(self, source: str, tree: ast.Module, markers: MarkerSet, include_not_implemented: bool) -> None:
        self.source = source
        self.tree = tree
        self.markers = markers
        self.include_not_implemented = include_not_implemented
        self.lines = split_lines(source)
        self.scopes, self.module_functions, import_nodes = _collect_scopes(tree)
        self.imports = [self._segment(node) for node in import_nodes]
        self._signatures: dict[int, str] = {}
        self._class_contexts: dict[int, ModelClassContext] = {}
        self._body_indents: dict[int, str] = {}
        self._ending: dict[int, list[_Scope]] | None = None

    # -- marker candidates ----------------------------------------------------------------------------------------

    def find_marks(self) -> dict[int, _Mark]:
        """The first confirmed marker of each function that has one, by scope index."""
        marks: dict[int, _Mark] = {}
        matches = list(self.markers.regex.finditer(self.source))
        if not matches:
            return marks
        line_starts = list(itertools.accumulate(map(len, self.lines), initial=0))
        owners = self._line_owners()
        for match in matches:
            index = int((match.lastgroup or "n0")[1:])  # the note group n<i> always takes part
            hash_pos = match.start(f"c{index}")
            line_no = bisect.bisect_right(line_starts, hash_pos)
            line = self.lines[line_no - 1]
            col = hash_pos - line_starts[line_no - 1]
            owner = owners[line_no]
            if line[:col].strip() == "":
                owner = self._trailing_comment_owner(line_no, _width(line[:col]), owner)
            if owner < 0 or owner in marks or self._inside_string(owner, line_no, _byte_col(line, col)):
                continue
            note = match.group(f"n{index}").strip().lstrip(_NOTE_SEPARATORS).strip()
            marks[owner] = _Mark(self.markers.patterns[index], line_no, note or None)
        return marks

    def _line_owners(self) -> list[int]:
        """For each line number, the innermost function whose span holds it (-1: module or class level)."""
        owners = [-1] * (len(self.lines) + 2)
        for scope in self.scopes:  # pre-order: inner scopes overwrite their parents
            start, end = scope.node.lineno, scope.node.end_lineno or scope.node.lineno
            owners[start : end + 1] = [scope.index if scope.is_function else -1] * (end - start + 1)
        return owners

    def _trailing_comment_owner(self, line_no: int, indent_width: int, owner: int) -> int:
        """A comment line after a body's last statement belongs to the innermost scope it is indented into."""
        previous = line_no - 1
        while previous >= 1:
            text = self.lines[previous - 1].strip()
            if text and not text.startswith("#"):
                break
            previous -= 1
        if self._ending is None:
            self._ending = {}
            for scope in self.scopes:
                self._ending.setdefault(scope.node.end_lineno or scope.node.lineno, []).append(scope)
        for scope in reversed(self._ending.get(previous, [])):  # innermost first
            if indent_width >= _width(self._body_indentation(scope.node)):
                return scope.index if scope.is_function else -1
        return owner

    def _inside_string(self, owner: int, line_no: int, byte_col: int) -> bool:
        """Whether a string literal of the owner function spans the position; only nodes covering the line are
        visited, so a comment line (covered by no expression) costs a handful of steps."""
        position = (line_no, byte_col)
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

    # -- stubs ----------------------------------------------------------------------------------------------------

    def stubs(self) -> list[ModelMethodStub]:
        marks = self.find_marks()
        found: list[ModelMethodStub] = []
        for scope in self.scopes:
            node = scope.node
            if isinstance(node, ast.ClassDef):
                continue
            decorator_names = {_decorator_name(decorator) for decorator in node.decorator_list}
            if "overload" in decorator_names:
                continue
            mark = marks.get(scope.index)
            if mark is None and self.include_not_implemented and not (decorator_names & _ABSTRACT_DECORATORS):
                body = _statements_after_docstring(node)
                if body and any(_raises_not_implemented(stmt) for stmt in body) and is_placeholder_body(node):
                    mark = _Mark(NOT_IMPLEMENTED_MARKER, body[0].lineno, None)
            if mark is not None:
                found.append(self._stub(scope, node, mark))
        return found

    def _stub(self, scope: _Scope, node: _FunctionNode, mark: _Mark) -> ModelMethodStub:
        classes: list[ModelClassContext] = []
        enclosing_function: str | None = None
        ancestor = scope.parent
        while ancestor is not None:
            if ancestor.is_function:
                enclosing_function = enclosing_function or ancestor.qualified_name
            else:
                classes.append(self._class_context(ancestor))
            ancestor = ancestor.parent
        classes.reverse()
        parent = scope.parent
        context = None if parent is None else f"{'def' if parent.is_function else 'class'} {parent.qualified_name}"
        def_line = self.lines[node.lineno - 1]
        return ModelMethodStub(
            name=node.name,
            qualified_name=scope.qualified_name,
            signature=self._signature(scope),
            docstring=ast.get_docstring(node),
            line_number=node.lineno,
            context=context,
            stub_marker=mark.pattern,
            marker_note=mark.note,
            marker_line=mark.line,
            is_async=isinstance(node, ast.AsyncFunctionDef),
            decorators=[f"@{self._segment(decorator)}" for decorator in node.decorator_list],
            first_decorator_line=node.decorator_list[0].lineno if node.decorator_list else None,
            body_start_line=node.body[0].lineno,
            body_end_line=max(node.end_lineno or node.lineno, mark.line),
            indentation=_leading_whitespace(def_line),
            body_indentation=self._body_indentation(node),
            has_placeholder_body=is_placeholder_body(node),
            enclosing_classes=classes,
            enclosing_function=enclosing_function,
            sibling_signatures=self._siblings(scope),
            module_imports=self.imports,
        )

    def _siblings(self, scope: _Scope) -> list[str]:
        """Signatures of the nearest functions of the same scope, in source order, the stub itself left out."""
        group = scope.parent.children if scope.parent is not None else self.module_functions
        half = MAX_SIBLING_SIGNATURES // 2
        low = max(0, min(scope.position - half, len(group) - MAX_SIBLING_SIGNATURES - 1))
        window = group[low : low + MAX_SIBLING_SIGNATURES + 1]
        return [self._signature(sibling) for sibling in window if sibling is not scope]

    def _class_context(self, scope: _Scope) -> ModelClassContext:
        cached = self._class_contexts.get(scope.index)
        if cached is not None:
            return cached
        node = scope.node
        if not isinstance(node, ast.ClassDef):
            raise TypeError(f"{scope.qualified_name} is not a class")
        bases = [self._segment(base) for base in node.bases]
        bases += [
            f"{keyword.arg}={self._segment(keyword.value)}" if keyword.arg else f"**{self._segment(keyword.value)}"
            for keyword in node.keywords
        ]
        context = ModelClassContext(
            name=node.name,
            qualified_name=scope.qualified_name,
            line_number=node.lineno,
            bases=bases,
            decorators=[f"@{self._segment(decorator)}" for decorator in node.decorator_list],
            docstring=ast.get_docstring(node),
            attributes=[self._segment(stmt) for stmt in node.body if isinstance(stmt, ast.Assign | ast.AnnAssign)],
        )
        self._class_contexts[scope.index] = context
        return context

    # -- source slices --------------------------------------------------------------------------------------------

    def _segment(self, node: ast.expr | ast.stmt) -> str:
        """The exact source of ``node``."""
        start, end = node.lineno, node.end_lineno or node.lineno
        first = self.lines[start - 1]
        last = self.lines[end - 1]
        start_col = _char_col(first, node.col_offset)
        end_col = _char_col(last, node.end_col_offset or 0)
        if start == end:
            return first[start_col:end_col]
        return first[start_col:] + "".join(self.lines[start : end - 1]) + last[:end_col]

    def _body_indentation(self, node: _ScopeNode) -> str:
        """The whitespace before the body's statements; def indent plus one level when the body shares its line."""
        key = id(node)
        cached = self._body_indents.get(key)
        if cached is not None:
            return cached
        first = node.body[0]
        line = self.lines[first.lineno - 1]
        col = _char_col(line, first.col_offset)
        if line[:col].strip(" \t\f") == "":
            indent = line[:col]
        else:
            own = _leading_whitespace(self.lines[node.lineno - 1])
            indent = own + ("\t" if "\t" in own else "    ")
        self._body_indents[key] = indent
        return indent

    def _signature(self, scope: _Scope) -> str:
        cached = self._signatures.get(scope.index)
        if cached is None:
            cached = self._header_source(scope.node)
            self._signatures[scope.index] = cached
        return cached

    def _header_source(self, node: _ScopeNode) -> str:
        """Source from ``def``/``async def`` to the header's colon (exclusive).

        The colon is found from the last parameter or the return annotation when only spaces, commas, slashes and
        closing parentheses stand between them; otherwise (comments, line continuations) by tokenizing the header.
        """
        first = node.lineno - 1
        start_col = _char_col(self.lines[first], node.col_offset)
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

    def _header_colon(self, node: _ScopeNode, start_col: int) -> tuple[int, int] | None:
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
        match = _TO_HEADER_COLON.match(line, _char_col(line, last.end_col_offset or 0))
        return (index, match.end() - 1) if match else None


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
        text = (error.text or "").rstrip("\r\n")
        where = f" at line {line}, column {column}" if line else ""
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.VALIDATION_ERROR,
            message=f"syntax error{where}: {error.msg}" + (f": {text.strip()}" if text.strip() else ""),
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


def extract_stubs(source: str, patterns: Sequence[str], *, include_not_implemented: bool = False) -> ExtractionOutput:
    """The stubs of ``source`` in source order (outer functions before the functions nested in them).

    A leading byte-order mark is ignored; CRLF, CR and tab-indented files work as written (signatures, decorators
    and indentation are reported with the file's own characters).
    """
    text = source[1:] if source.startswith("\ufeff") else source
    tree = parse_source(text)
    extractor = _Extractor(text, tree, compile_markers(tuple(patterns)), include_not_implemented)
    return ExtractionOutput(
        stubs=extractor.stubs(),
        file_lines=editor_line_count(extractor.lines),
        module_docstring=ast.get_docstring(tree),
    )


__all__ = [
    "MAX_SIBLING_SIGNATURES",
    "NOT_IMPLEMENTED_MARKER",
    "ExtractionOutput",
    "MarkerSet",
    "compile_markers",
    "editor_line_count",
    "extract_stubs",
    "is_placeholder_body",
    "parse_source",
    "split_lines",
]
