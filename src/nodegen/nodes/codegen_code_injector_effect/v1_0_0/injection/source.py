"""A source text read for editing, once: its syntax trees, functions, stub marks, and each top-level statement's own
text with whether libcst reproduces it byte for byte.

libcst gives back the bytes it parsed for almost every file. Its known defect, ``except OSError :`` parsed without
the space (upstream LibCST#1457), is repaired from the text; where it still does not give a statement back, that
top-level statement is never re-rendered. The injector writes every statement an edit does not touch from the
file's own text, so an edit never changes a byte outside it.
Prepared files are kept for the few source texts a run works on (the validator previews each candidate).
"""

from __future__ import annotations

import ast
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

import libcst as cst
from libcst._nodes.internal import CodegenState  # libcst's code generation state (Module.code_for_node uses it)
from libcst.metadata import MetadataWrapper, PositionProvider

from nodegen.onex import ModelOnexError
from nodegen.pysource import Mark, MarkerSet, Scope, SourceModule, compile_markers, find_marks, split_lines
from nodegen.pysource.text import line_breaks

# The only nodes a function definition can sit in: walks descend through these and skip every expression.
STATEMENT_CONTAINERS = (
    cst.Module,
    cst.IndentedBlock,
    cst.FunctionDef,
    cst.ClassDef,
    cst.If,
    cst.Else,
    cst.For,
    cst.While,
    cst.With,
    cst.Try,
    cst.TryStar,
    cst.ExceptHandler,
    cst.ExceptStarHandler,
    cst.Finally,
    cst.Match,
    cst.MatchCase,
)
FUNCTION_KINDS = (ast.FunctionDef, ast.AsyncFunctionDef)
_Handler = TypeVar("_Handler", cst.ExceptHandler, cst.ExceptStarHandler)
_KEPT_FILES = 8  # prepared source texts kept (a run works file by file; the validator previews each candidate)
_KEPT_CHARS = 4_000_000  # and at most this much source text among them: a libcst tree is large


class UnreadableSourceError(Exception):
    """libcst cannot read the text."""


def parse_cst(text: str) -> cst.Module:
    """``text`` as a libcst module; ``UnreadableSourceError`` with the parser's first line when it cannot."""
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        raise UnreadableSourceError(str(error).splitlines()[0]) from error
    except BaseException as error:  # the native parser can panic on inputs older releases never saw
        if isinstance(error, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        raise UnreadableSourceError(f"{type(error).__name__}: {error}") from error


def with_except_colons(tree: cst.Module, text: str) -> cst.Module:
    """``tree`` with the whitespace before the colon of ``except X :`` that libcst's parser drops (LibCST#1457) put
    back from ``text``, the source it was parsed from. Only called when the tree does not give ``text`` back; a
    repair that cannot be made leaves the tree as parsed (what libcst does not give back is then never re-rendered)."""
    try:
        positions = MetadataWrapper(tree, unsafe_skip_copy=True).resolve(PositionProvider)
    except (ValueError, KeyError, TypeError, RecursionError):
        return tree
    lines = split_lines(text)

    class _Colons(cst.CSTTransformer):
        def leave_ExceptHandler(
            self, original_node: cst.ExceptHandler, updated_node: cst.ExceptHandler
        ) -> cst.ExceptHandler:
            return _with_colon_space(original_node, updated_node)

        def leave_ExceptStarHandler(
            self, original_node: cst.ExceptStarHandler, updated_node: cst.ExceptStarHandler
        ) -> cst.ExceptStarHandler:
            return _with_colon_space(original_node, updated_node)

    def _with_colon_space(original: _Handler, updated: _Handler) -> _Handler:
        kind = original.type
        if kind is None or original.name is not None or original.whitespace_before_colon.value:
            return updated
        end = positions[kind].end
        rest = lines[end.line - 1][end.column :] if end.line <= len(lines) else ""
        for _ in kind.rpar:  # the closing parentheses of the type stand before the space
            rest = rest.lstrip(" \t")[1:] if rest.lstrip(" \t").startswith(")") else rest
        space = rest[: len(rest) - len(rest.lstrip(" \t"))]
        if space and rest[len(space) :].startswith(":"):
            return updated.with_changes(whitespace_before_colon=cst.SimpleWhitespace(space))
        return updated

    repaired = tree.visit(_Colons())
    if not isinstance(repaired, cst.Module):
        raise TypeError("repairing the except colons removed the module")
    return repaired


def comment_markers(patterns: tuple[str, ...]) -> MarkerSet:
    """The markers' comment parts alone ("# Stub" of "pass  # Stub"): what to remove from lines that stay."""
    comments = tuple(pattern[pattern.index("#") :] if "#" in pattern else pattern for pattern in patterns)
    return compile_markers(comments)


class _FunctionCollector(cst.CSTVisitor):
    """Every function definition in document order, with the ids of the nodes around it; expressions are skipped."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[cst.FunctionDef] = []
        self.ancestors: dict[int, list[int]] = {}
        self._stack: list[int] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if not isinstance(node, STATEMENT_CONTAINERS):
            return False
        if isinstance(node, cst.FunctionDef):
            self.found.append(node)
            self.ancestors[id(node)] = list(self._stack)
        self._stack.append(id(node))
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if isinstance(original_node, STATEMENT_CONTAINERS):
            self._stack.pop()


@dataclass(frozen=True, slots=True)
class ChildLayout:
    """A top-level class or function as text: before its body's statements, each of them, after them."""

    before: str
    children: list[str]
    after: str
    indent: str  # the body's indentation relative to the statement's


class PreparedFile:
    """One source text, read once for every request and preview made on it. Nothing here changes after it is built:
    prepared files are shared."""

    def __init__(self, source: str, patterns: tuple[str, ...]) -> None:
        self.source = source
        self.module = SourceModule(source)  # raises ModelOnexError(VALIDATION_ERROR) when it does not parse
        self.tree = parse_cst(self.module.text)
        self.indent = self.tree.default_indent
        self.newline = self.tree.default_newline
        self.header_text, self.texts, self.footer_text, self.faithful = self._own_texts()
        if not all(self.faithful):  # a known libcst defect first, then trust only what it gives back
            self.tree = with_except_colons(self.tree, self.module.text)
            self.header_text, self.texts, self.footer_text, self.faithful = self._own_texts()
        self.functions = [scope for scope in self.module.scopes if scope.is_function]
        collector = _FunctionCollector()
        self.tree.visit(collector)
        if [node.name.value for node in collector.found] != [scope.name for scope in self.functions]:
            raise ModelOnexError(message="the syntax trees of the source disagree about its functions")
        self.cst_functions = {scope.index: node for scope, node in zip(self.functions, collector.found, strict=True)}
        self.ancestors = collector.ancestors
        self.marks: dict[int, Mark] = find_marks(self.module, compile_markers(patterns))
        self.comment_markers = comment_markers(patterns)
        self.top_index = {id(stmt): index for index, stmt in enumerate(self.tree.body)}
        self._layouts: dict[int, ChildLayout | None] = {}

    def _own_texts(self) -> tuple[str, list[str], str, list[bool]]:
        """The file's own text of its header comments, of each top-level statement (with the blank and comment lines
        before it) and of its footer, each ending with a line break; and whether libcst renders each statement
        exactly so. The pieces are cut by libcst's line counts, which its known defects do not change."""
        tree = self.tree
        rendered = [tree.code_for_node(stmt) for stmt in tree.body]
        counts = [len(tree.header), *(line_breaks(code) for code in rendered), len(tree.footer)]
        lines = split_lines(self.module.text)
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += self.newline  # every piece ends with a line break; the missing one is put back on writing
        if sum(counts) != len(lines):  # libcst lost or added a line: no piece can be trusted
            return self.module.text, ["" for _ in rendered], "", [False for _ in rendered]
        pieces: list[str] = []
        start = 0
        for count in counts:
            pieces.append("".join(lines[start : start + count]))
            start += count
        texts = pieces[1:-1]
        faithful = [own == code for own, code in zip(texts, rendered, strict=True)]
        return pieces[0], texts, pieces[-1], faithful

    def layout(self, index: int) -> ChildLayout | None:
        """The own text of top-level class or function ``index`` cut into what stands before its body's statements,
        each statement, and what follows (None when it is neither, or libcst does not reproduce the pieces): an
        edit inside one method then renders that method alone."""
        if index not in self._layouts:
            self._layouts[index] = self._layout(index)
        return self._layouts[index]

    def _layout(self, index: int) -> ChildLayout | None:
        stmt = self.tree.body[index]
        if not (isinstance(stmt, cst.ClassDef | cst.FunctionDef) and isinstance(stmt.body, cst.IndentedBlock)):
            return None
        if not self.faithful[index]:
            return None
        block = stmt.body
        indent = self.indent if block.indent is None else block.indent
        rendered = []
        for child in block.body:
            state = CodegenState(default_indent=self.indent, default_newline=self.newline, indent_tokens=[indent])
            child._codegen(state)
            rendered.append("".join(state.tokens))
        lines = split_lines(self.texts[index])
        counts = [line_breaks(code) for code in rendered]
        before = len(lines) - len(block.footer) - sum(counts)
        if before < 1:
            return None
        children: list[str] = []
        start = before
        for count, code in zip(counts, rendered, strict=True):
            own = "".join(lines[start : start + count])
            if own != code:
                return None
            children.append(own)
            start += count
        return ChildLayout("".join(lines[:before]), children, "".join(lines[start:]), indent)

    @cached_property
    def compile_problem(self) -> str | None:
        """Why the file as it is does not compile (then nothing compiles after an edit either), or None."""
        return compile_problem(self.module.text)

    def top_of(self, scope: Scope) -> int:
        """The index of the top-level statement that holds ``scope``."""
        original = self.cst_functions[scope.index]
        ancestors = self.ancestors[id(original)]  # from the module down
        return self.top_index[ancestors[1] if len(ancestors) > 1 else id(original)]

    def unfaithful_line(self, index: int) -> tuple[int, str]:
        """The first line (number, text) of top-level statement ``index`` that libcst does not reproduce."""
        first = 1 + line_breaks(self.header_text) + sum(line_breaks(text) for text in self.texts[:index])
        own = split_lines(self.texts[index])
        rendered = split_lines(self.tree.code_for_node(self.tree.body[index]))
        for offset, (mine, theirs) in enumerate(zip(own, rendered, strict=False)):
            if mine != theirs:
                return first + offset, mine.rstrip("\r\n")
        return first, own[0].rstrip("\r\n") if own else ""


def compile_problem(text: str, named: Callable[[int], int] | None = None) -> str | None:
    """The compiler's complaint about ``text`` (compiled as nodegen writes it: no inherited future flags)."""
    failure = compile_failure(text, named)
    return None if failure is None else failure[0]


def compile_failure(
    text: str | ast.Module, named: Callable[[int], int] | None = None
) -> tuple[str, int | None] | None:
    """The compiler's complaint about ``text`` (or a tree of it) and the line of ``text`` it names, or None when it
    compiles; the complaint names that line as ``named`` gives it (a large file's line: ``large.py``)."""
    try:
        compile(text, "<injected>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        line = getattr(error, "lineno", None)
        shown = "?" if line is None else named(line) if named is not None else line
        return f"{getattr(error, 'msg', error)} (line {shown})", line
    return None


_kept: OrderedDict[tuple[str, tuple[str, ...]], PreparedFile] = OrderedDict()
_kept_lock = threading.Lock()


def prepare(source: str, patterns: tuple[str, ...]) -> PreparedFile:
    """The prepared file of ``source`` (read again only when it is not among the last few); raises
    ``ModelOnexError`` or ``UnreadableSourceError`` when it cannot be read."""
    key = (source, patterns)
    with _kept_lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
            return found
    prepared = PreparedFile(source, patterns)
    with _kept_lock:
        _kept[key] = prepared
        while len(_kept) > _KEPT_FILES or (len(_kept) > 1 and sum(len(k[0]) for k in _kept) > _KEPT_CHARS):
            _kept.popitem(last=False)
    return prepared


__all__ = [
    "FUNCTION_KINDS",
    "STATEMENT_CONTAINERS",
    "ChildLayout",
    "PreparedFile",
    "UnreadableSourceError",
    "compile_failure",
    "compile_problem",
    "line_breaks",
    "parse_cst",
    "prepare",
    "with_except_colons",
]
