"""Writing the edited module out: every top-level statement the edit did not touch is the file's own text; the ones
it did are rendered by libcst, which also says where each piece of new code stands (its line span)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import libcst as cst
from libcst._nodes.internal import CodegenState

from nodegen.nodes.codegen_code_injector_effect.v1_0_0.models import EnumRegionKind, ModelInjectedRegion

from .source import PreparedFile, line_breaks


@dataclass(slots=True)
class Watch:
    """A piece of new code to locate: from the start of ``first`` (past ``skip`` lines) to the end of ``last``."""

    kind: EnumRegionKind
    requests: list[int]
    first: cst.CSTNode
    last: cst.CSTNode
    skip: int = 0
    qualified_name: str | None = None


@dataclass
class _MarkingState(CodegenState):
    """libcst's code generation state, noting where the watched nodes start and end (in tokens)."""

    watched: frozenset[int] = frozenset()
    marks: dict[tuple[int, bool], int] = field(default_factory=dict)

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.watched:
            self.marks[(id(node), True)] = len(self.tokens)

    def after_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.watched:
            self.marks[(id(node), False)] = len(self.tokens)


def render(
    prepared: PreparedFile,
    body: Sequence[cst.BaseStatement],
    watches: Sequence[Watch],
    origins: Mapping[int, int],
) -> tuple[str, list[ModelInjectedRegion]]:
    """The module text with ``body`` as its top-level statements (without a byte-order mark), and the regions of the
    watched code in it; ``origins`` maps a changed statement (by id) to the index of the one it was made from."""
    watched = frozenset(id(node) for watch in watches for node in (watch.first, watch.last))
    lines_at: dict[tuple[int, bool], int] = {}  # (node id, start?) -> line: first line of a start, last of an end
    pieces = [prepared.header_text]
    line = line_breaks(prepared.header_text)
    for stmt in body:
        index = prepared.top_index.get(id(stmt))
        if index is not None and prepared.tree.body[index] is stmt:
            text = prepared.texts[index]
        else:
            text = _statement(prepared, stmt, origins.get(id(stmt)), watched, (line, lines_at))
        pieces.append(text)
        line += line_breaks(text)
    pieces.append(prepared.footer_text)
    text = "".join(pieces)
    if not prepared.module.text.endswith(("\n", "\r")):  # libcst says a CR-only file's last "\r" is none
        text = text[: -2 if text.endswith("\r\n") else -1] if text.endswith(("\n", "\r")) else text
    regions = []
    for watch in watches:
        start, end = lines_at.get((id(watch.first), True)), lines_at.get((id(watch.last), False))
        if start is not None and end is not None:
            first = min(start + watch.skip, end)
            regions.append(
                ModelInjectedRegion(
                    kind=watch.kind,
                    first_line=first,
                    last_line=end,
                    requests=watch.requests,
                    qualified_name=watch.qualified_name,
                )
            )
    return text, regions


def _statement(
    prepared: PreparedFile,
    stmt: cst.BaseStatement,
    origin: int | None,
    watched: frozenset[int],
    where: tuple[int, dict[tuple[int, bool], int]],
) -> str:
    """A new or changed top-level statement as text, from line ``line`` on. A class or function whose body alone
    changed keeps the file's own text around its body and for each statement of it that did not change."""
    line, lines_at = where
    layout = prepared.layout(origin) if origin is not None else None
    original = prepared.tree.body[origin] if origin is not None else None
    if (
        layout is None
        or not isinstance(original, cst.ClassDef | cst.FunctionDef)
        or not isinstance(stmt, cst.ClassDef | cst.FunctionDef)
        or not _only_body_statements_changed(original, stmt)
    ):
        return _rendered(prepared, stmt, watched, [], (line, lines_at))
    own = {id(child): text for child, text in zip(original.body.body, layout.children, strict=True)}
    pieces = [layout.before]
    line += line_breaks(layout.before)
    for child in stmt.body.body:
        text = own.get(id(child))
        if text is None:
            text = _rendered(prepared, child, watched, [layout.indent], (line, lines_at))
        pieces.append(text)
        line += line_breaks(text)
    pieces.append(layout.after)
    return "".join(pieces)


def _only_body_statements_changed(
    original: cst.ClassDef | cst.FunctionDef, stmt: cst.ClassDef | cst.FunctionDef
) -> bool:
    """``stmt`` is ``original`` with other statements in its body, and nothing else changed."""
    return (
        type(original) is type(stmt)
        and isinstance(original.body, cst.IndentedBlock)
        and isinstance(stmt.body, cst.IndentedBlock)
        and all(_same(getattr(stmt, name), getattr(original, name)) for name in _fields(original) if name != "body")
        and stmt.body.header is original.body.header
        and _same(stmt.body.footer, original.body.footer)
        and stmt.body.indent == original.body.indent
    )


def _fields(node: cst.CSTNode) -> list[str]:
    return list(node.__dataclass_fields__)


def _same(new: object, old: object) -> bool:
    """The same node, or sequences of the same nodes (a transformer rebuilds the sequences it passes through)."""
    if isinstance(new, list | tuple) and isinstance(old, list | tuple):
        return len(new) == len(old) and all(a is b for a, b in zip(new, old, strict=True))
    return new is old


def _rendered(
    prepared: PreparedFile,
    node: cst.BaseStatement | cst.BaseSmallStatement,
    watched: frozenset[int],
    indent: list[str],
    where: tuple[int, dict[tuple[int, bool], int]],
) -> str:
    """``node`` rendered by libcst at ``indent``, from line ``where[0]`` on; its watched nodes' lines are noted."""
    line, lines_at = where
    state = _MarkingState(
        default_indent=prepared.indent, default_newline=prepared.newline, indent_tokens=list(indent), watched=watched
    )
    node._codegen(state)
    lines_at.update(_lines_of_marks(state, line))
    return "".join(state.tokens)


def _lines_of_marks(state: _MarkingState, base: int) -> dict[tuple[int, bool], int]:
    """Lines of the marks of ``state``: a start is on the line after the breaks before it, an end on the line of
    the last break before it (a statement ends with its line break)."""
    found: dict[tuple[int, bool], int] = {}
    if not state.marks:
        return found
    order = sorted(state.marks.items(), key=lambda item: item[1])
    breaks = 0
    at = 0
    for key, token_index in order:
        while at < token_index:
            breaks += line_breaks(state.tokens[at])
            at += 1
        found[key] = base + breaks + (1 if key[1] else 0)
    return found


__all__ = ["Watch", "render"]
