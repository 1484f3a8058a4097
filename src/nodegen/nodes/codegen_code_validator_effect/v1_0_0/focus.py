"""Checking a stub's code against what its names need, not the whole file again (issue 15: linear cost).

In a large file, the code for one stub is checked in a *focused* copy of the file: the statements the code can
reach by name (the stub itself, its classes, the definitions and assignments whose names the code or the kept
statements use, transitively), every import, the module docstring and each kept class's attributes and
``__init__``. Every other run of statements becomes one comment line (a marker), so the assembled text stays small;
positions are mapped back through the markers, so findings carry the line numbers of the file as it will be
written. The file's outline (which statement binds and uses which names) is worked out once per source text and
shared by all its stubs.

When the markers do not come back exactly once each, in order and outside the new code (an edit that moved them),
the caller checks the whole file instead: focusing never decides a verdict on its own.
"""

from __future__ import annotations

import ast
import re
from collections import OrderedDict
from collections.abc import Collection, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from nodegen.onex import ModelOnexError
from nodegen.pysource import char_col, dominant_newline, split_lines
from nodegen.pysource.condense import LineMap, bound_names, first_line, in_header
from nodegen.pysource.onex_nodes import is_onex_file
from nodegen.pysource.text import LineIndex, leading_whitespace
from nodegen.pysource.windows import KEEPING_WINDOW_CHARS, window_spans

from .models import ModelValidationTarget

# Below this many lines a file is checked whole (as before): the focused copy would save little.
FOCUS_MIN_LINES = 400
_OUTLINES_KEPT = 4  # source texts whose outline is kept (a run works file by file)
_ALWAYS_METHODS = frozenset({"__init__", "__post_init__", "__new__"})  # where a class's attributes are set
# Every identifier-shaped word of the code: a superset of the names it uses (words in its strings and comments
# only keep a statement more), and it reads code that does not parse too.
_WORD = re.compile(r"[^\W\d]\w*")
_MARKER = "# nodegen: {count} lines elided ({index})"
_EXAMPLE_LINE = re.compile(r"^[ \t]*(?:>>>|\.\.\.)(.*)$", re.MULTILINE)  # a docstring example's source lines
_BOM = "\ufeff"
_NO_NAMES: frozenset[str] = frozenset()


@dataclass(slots=True)
class _Unit:
    """A statement (or statements sharing a line) with the blank and comment lines before it."""

    start: int
    end: int
    indent: str
    binds: AbstractSet[str]  # emptied once the outline's binders are built
    uses: Collection[str]  # a set while the outline is built, then a tuple (a large file has many units)
    always: bool
    parent: _Unit | None
    header_end: int = 0  # a class that can be opened: its header lines end here, its members follow
    members: Sequence[_Unit] = ()


@dataclass(slots=True)
class Outline:
    """A source text's statements, their names, and whether it is an ONEX file (computed once)."""

    lines: LineIndex
    bom: bool
    newline: str
    units: list[_Unit]
    binders: dict[str, list[_Unit]]
    onex_file: bool


@dataclass(frozen=True, slots=True)
class Focus:
    """The focused target to assemble instead of the whole file, and what is needed to map its positions back."""

    target: ModelValidationTarget
    outline: Outline
    markers: tuple[tuple[str, int, int], ...]  # each marker's text and the first and last line it stands for

    def line_map(self, text: str, regions: list[tuple[int, int]] | None) -> LineMap | None:
        """Where the markers stand in the assembled ``text``; None when one is missing, repeated, out of order
        or inside the new code (the whole file must be checked then)."""
        wanted = {marker: index for index, (marker, _, _) in enumerate(self.markers)}
        found: list[tuple[int, int]] = []
        for number, line in enumerate(split_lines(text), start=1):
            index = wanted.get(line.strip())
            if index is not None:
                if len(found) != index:
                    return None
                _, first, last = self.markers[index]
                found.append((number, last - first + 1))
        if len(found) != len(self.markers):
            return None
        if regions and any(start <= at <= end for at, _ in found for start, end in regions):
            return None
        return LineMap(tuple(found))

    def padded_text(self, text: str) -> str:
        """``text`` with each marker replaced by as many empty lines as it stands for: the kept statements at the
        whole file's lines, the rest of it left out."""
        lines = split_lines(text)
        counts = {marker: last - first + 1 for marker, first, last in self.markers}
        newline = self.outline.newline
        return "".join(newline * counts[line.strip()] if line.strip() in counts else line for line in lines)

    def full_text(self, text: str) -> str:
        """``text`` (assembled from the focused target) with each marker replaced by the lines it stands for."""
        lines = split_lines(text)
        spans = {marker: (first, last) for marker, first, last in self.markers}
        return "".join(
            self.outline.lines.span(*spans[line.strip()]) if line.strip() in spans else line for line in lines
        )


_outlines: OrderedDict[str, Outline | None] = OrderedDict()


def outline_of(source: str) -> Outline | None:
    """The outline of ``source`` (None when it does not parse: the whole-file path reports that)."""
    if source in _outlines:
        _outlines.move_to_end(source)
        return _outlines[source]
    outline = _build(source)
    _outlines[source] = outline
    while len(_outlines) > _OUTLINES_KEPT:
        _outlines.popitem(last=False)
    return outline


def focus(code: str, target: ModelValidationTarget) -> Focus | None:
    """The focused target for ``code``, or None when the file is small or focusing would keep most of it."""
    if target.source.count("\n") < FOCUS_MIN_LINES:
        return None
    outline = outline_of(target.source)
    if outline is None:
        return None
    names = set(_WORD.findall(code))
    for text in target.required_imports:
        names.update(_WORD.findall(text))
    names.update(part for part in target.qualified_name.split(".") if part != "<locals>")
    kept = _keep(outline, names, target.expected_line)
    pieces: list[str] = []
    markers: list[tuple[str, int, int]] = []
    _emit(outline, outline.units, kept, pieces, markers)
    last = outline.units[-1].end if outline.units else 0
    pieces.append(outline.lines.span(last + 1, len(outline.lines)))  # what follows the last statement
    elided = sum(end - start + 1 for _, start, end in markers)
    if elided * 2 < len(outline.lines):
        return None
    source = (_BOM if outline.bom else "") + "".join(pieces)
    return Focus(target.model_copy(update={"source": source}), outline, tuple(markers))


def _keep(outline: Outline, names: set[str], expected_line: int | None) -> set[int]:
    """The ids of the units to keep: what ``names`` reach, transitively, with the units that always stay."""
    kept: set[int] = set()
    pending = list(names)
    seen = set(names)

    def keep(unit: _Unit) -> None:
        chain: _Unit | None = unit
        while chain is not None and id(chain) not in kept:
            kept.add(id(chain))
            for name in chain.uses:
                if name not in seen:
                    seen.add(name)
                    pending.append(name)
            always = [member for member in chain.members if member.always] or chain.members[:1]
            for member in always:  # an opened class keeps at least one member: its body is never empty
                keep(member)
            chain = chain.parent

    for unit in outline.units:
        if unit.always:
            keep(unit)
    if expected_line is not None:
        for unit in _containing(outline.units, expected_line):
            keep(unit)
    while pending:
        for unit in outline.binders.get(pending.pop(), ()):
            keep(unit)
    return kept


def _containing(units: Sequence[_Unit], line: int) -> Iterator[_Unit]:
    for unit in units:
        if unit.start <= line <= unit.end:
            yield unit
            yield from _containing(unit.members, line)


def _emit(
    outline: Outline, units: Sequence[_Unit], kept: set[int], pieces: list[str], markers: list[tuple[str, int, int]]
) -> None:
    """Kept units as they stand (opened classes member by member), each run of dropped units as one marker."""
    dropped: list[_Unit] = []

    def flush() -> None:
        if dropped:
            first, last = dropped[0].start, dropped[-1].end
            marker = _MARKER.format(count=last - first + 1, index=len(markers))
            pieces.append(dropped[0].indent + marker + outline.newline)
            markers.append((marker, first, last))
            dropped.clear()

    for unit in units:
        if id(unit) not in kept:
            dropped.append(unit)
            continue
        flush()
        if unit.members:
            pieces.append(outline.lines.span(unit.start, unit.header_end))
            _emit(outline, unit.members, kept, pieces, markers)
        else:
            pieces.append(outline.lines.span(unit.start, unit.end))
    flush()


def _build(source: str) -> Outline | None:
    """The outline of ``source``, read a window of top-level statements at a time (``pysource.windows``: a tree of
    a whole 20 MB file takes gigabytes); None when it does not parse."""
    bom = source.startswith(_BOM)
    text = source[1:] if bom else source
    binders: dict[str, list[_Unit]] = {}
    units: list[_Unit] = []
    onex_file = False
    try:
        for _, window in window_spans(text, KEEPING_WINDOW_CHARS):  # a window's lines are numbered as the file's
            start = units[-1].end + 1 if units else 1
            units += _units(window.tree.body, window.lines, start, None, binders, module=True, opens_block=not units)
            onex_file = onex_file or is_onex_file(None, window.tree)
    except (ModelOnexError, RecursionError, MemoryError):
        return None
    _compact(units)
    return Outline(LineIndex(text), bom, dominant_newline(text), units, binders, onex_file)


def _compact(units: Sequence[_Unit]) -> None:
    """What ``_keep`` reads of the units, in less memory: names used as tuples, names bound dropped (the
    binders hold them)."""
    for unit in units:
        unit.uses, unit.binds = tuple(unit.uses), _NO_NAMES
        _compact(unit.members)


def _units(
    body: list[ast.stmt],
    lines: list[str],
    start: int,
    parent: _Unit | None,
    binders: dict[str, list[_Unit]],
    *,
    module: bool,
    opens_block: bool = True,
) -> list[_Unit]:
    """The units of ``body``, which begins at line ``start`` (``opens_block``: the first statements of its block)."""
    units: list[_Unit] = []
    for index, stmt in enumerate(body):
        first = first_line(stmt)
        end = stmt.end_lineno or stmt.lineno
        binds, uses = _names(stmt)
        if units and first <= units[-1].end:  # statements sharing a line stay together, whole
            previous = units[-1]
            previous.end, previous.members, previous.header_end = end, (), 0
            previous.binds = {*previous.binds, *binds}
            previous.uses = {*previous.uses, *uses}
            for name in binds:
                binders.setdefault(name, []).append(previous)
            continue
        always = _always(stmt, index if opens_block else index + 1, module=module)
        unit = _Unit(start, end, leading_whitespace(lines[first - 1]), binds, uses, always, parent)
        if isinstance(stmt, ast.ClassDef) and _opens(stmt, lines):
            unit.uses = _header_uses(stmt)
            member_start = first_line(stmt.body[0])
            unit.header_end = member_start - 1
            unit.members = _units(stmt.body, lines, member_start, unit, binders, module=False)
        for name in binds:
            binders.setdefault(name, []).append(unit)
        units.append(unit)
        start = end + 1
    return units


def _always(stmt: ast.stmt, index: int, *, module: bool) -> bool:
    if module:
        return in_header(stmt, index)
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
        return stmt.name in _ALWAYS_METHODS
    return not isinstance(stmt, ast.ClassDef)  # a class's attributes and docstring stay


def _opens(node: ast.ClassDef, lines: list[str]) -> bool:
    """Whether the class's first member starts a line of its own (then its members can be kept one by one)."""
    member = node.body[0]
    first = first_line(member)
    line = lines[first - 1]
    if first == member.lineno:
        starts_line = char_col(line, member.col_offset) == len(leading_whitespace(line))
    else:
        starts_line = line.lstrip(" \t\f").startswith("@")
    return first > node.lineno and starts_line


def _names(stmt: ast.stmt) -> tuple[set[str], set[str]]:
    """The names ``stmt`` binds where it stands, and every name it uses (identifiers, attributes, strings that are
    identifiers, as ``getattr`` takes them, and the words of a docstring's examples, which run against the module)."""
    binds = bound_names(stmt)
    uses: set[str] = set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name):
            uses.add(node.id)
        elif isinstance(node, ast.Attribute):
            uses.add(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value.isidentifier():
                uses.add(node.value)
            elif ">>>" in node.value:
                uses.update(_WORD.findall("".join(_EXAMPLE_LINE.findall(node.value))))
    return binds, uses


def _header_uses(node: ast.ClassDef) -> set[str]:
    uses: set[str] = set()
    for part in [*node.bases, *node.keywords, *node.decorator_list]:
        for child in ast.walk(part):
            if isinstance(child, ast.Name):
                uses.add(child.id)
            elif isinstance(child, ast.Attribute):
                uses.add(child.attr)
    return uses


__all__ = ["FOCUS_MIN_LINES", "Focus", "LineMap", "Outline", "focus", "outline_of"]
