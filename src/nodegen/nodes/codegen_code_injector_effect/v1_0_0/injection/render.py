"""Writing the edited module out: every top-level statement the edit did not touch is the file's own text; the ones
it did are rendered by libcst, which also says where each piece of new code stands (its line span)."""

from __future__ import annotations

from collections.abc import Sequence
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
    prepared: PreparedFile, body: Sequence[cst.BaseStatement], watches: Sequence[Watch]
) -> tuple[str, list[ModelInjectedRegion]]:
    """The module text with ``body`` as its top-level statements (without a byte-order mark), and the regions of the
    watched code in it."""
    watched = frozenset(id(node) for watch in watches for node in (watch.first, watch.last))
    lines_at: dict[tuple[int, bool], int] = {}  # (node id, start?) -> line: first line of a start, last of an end
    pieces = [prepared.header_text]
    line = line_breaks(prepared.header_text)
    for stmt in body:
        index = prepared.top_index.get(id(stmt))
        if index is not None and prepared.tree.body[index] is stmt:
            text = prepared.texts[index]
        else:
            state = _MarkingState(
                default_indent=prepared.indent, default_newline=prepared.newline, watched=watched
            )
            stmt._codegen(state)
            text = "".join(state.tokens)
            lines_at.update(_lines_of_marks(state, line))
        pieces.append(text)
        line += line_breaks(text)
    pieces.append(prepared.footer_text)
    text = "".join(pieces)
    if not prepared.tree.has_trailing_newline:
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
