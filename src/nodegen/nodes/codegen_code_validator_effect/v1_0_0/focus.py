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
from collections.abc import Iterator
from dataclasses import dataclass, field

from nodegen.pysource import char_col, dominant_newline, split_lines
from nodegen.pysource.onex_nodes import is_onex_file
from nodegen.pysource.text import leading_whitespace

from .models import ModelValidationTarget

# Below this many lines a file is checked whole (as before): the focused copy would save little.
FOCUS_MIN_LINES = 400
_OUTLINES_KEPT = 4  # source texts whose outline is kept (a run works file by file)
_ALWAYS_METHODS = frozenset({"__init__", "__post_init__", "__new__"})  # where a class's attributes are set
# Every identifier-shaped word of the code: a superset of the names it uses (words in its strings and comments
# only keep a statement more), and it reads code that does not parse too.
_WORD = re.compile(r"[^\W\d]\w*")
_MARKER = "# nodegen: {count} lines elided ({index})"
_BOM = "\ufeff"


@dataclass(slots=True)
class _Unit:
    """A statement (or statements sharing a line) with the blank and comment lines before it."""

    start: int
    end: int
    indent: str
    binds: set[str]
    uses: set[str]
    always: bool
    parent: _Unit | None
    header_end: int = 0  # a class that can be opened: its header lines end here, its members follow
    members: list[_Unit] = field(default_factory=list)


@dataclass(slots=True)
class Outline:
    """A source text's statements, their names, and whether it is an ONEX file (computed once)."""

    lines: list[str]
    bom: bool
    newline: str
    units: list[_Unit]
    binders: dict[str, list[_Unit]]
    onex_file: bool


@dataclass(frozen=True, slots=True)
class LineMap:
    """Lines of the focused text to lines of the whole file: each marker stands for ``count`` lines."""

    markers: tuple[tuple[int, int], ...]  # (marker line in the focused text, lines it stands for), in order

    def to_full(self, line: int) -> int:
        return line + sum(count - 1 for at, count in self.markers if at < line)

    def to_focused(self, line: int) -> int | None:
        """The focused text's line for a line of the whole file (None: it stands in an elided run)."""
        shift = 0
        for at, count in self.markers:
            if line < at + shift:
                break
            if line < at + shift + count:
                return None
            shift += count - 1
        return line - shift

    def extra_lines(self) -> int:
        return sum(count - 1 for _, count in self.markers)


@dataclass(frozen=True, slots=True)
class Focus:
    """The focused target to assemble instead of the whole file, and what is needed to map its positions back."""

    target: ModelValidationTarget
    outline: Outline
    markers: tuple[tuple[str, list[str]], ...]  # each marker's text and the lines it stands for

    def line_map(self, text: str, regions: list[tuple[int, int]] | None) -> LineMap | None:
        """Where the markers stand in the assembled ``text``; None when one is missing, repeated, out of order
        or inside the new code (the whole file must be checked then)."""
        wanted = {marker: index for index, (marker, _) in enumerate(self.markers)}
        found: list[tuple[int, int]] = []
        for number, line in enumerate(split_lines(text), start=1):
            index = wanted.get(line.strip())
            if index is not None:
                if len(found) != index:
                    return None
                found.append((number, len(self.markers[index][1])))
        if len(found) != len(self.markers):
            return None
        if regions and any(start <= at <= end for at, _ in found for start, end in regions):
            return None
        return LineMap(tuple(found))

    def full_text(self, text: str) -> str:
        """``text`` (assembled from the focused target) with each marker replaced by the lines it stands for."""
        lines = split_lines(text)
        markers = dict(self.markers)
        return "".join("".join(markers[line.strip()]) if line.strip() in markers else line for line in lines)


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
    markers: list[tuple[str, list[str]]] = []
    _emit(outline, outline.units, kept, pieces, markers)
    last = outline.units[-1].end if outline.units else 0
    pieces.extend(outline.lines[last:])  # what follows the last statement
    elided = sum(len(lines) for _, lines in markers)
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


def _containing(units: list[_Unit], line: int) -> Iterator[_Unit]:
    for unit in units:
        if unit.start <= line <= unit.end:
            yield unit
            yield from _containing(unit.members, line)


def _emit(
    outline: Outline, units: list[_Unit], kept: set[int], pieces: list[str], markers: list[tuple[str, list[str]]]
) -> None:
    """Kept units as they stand (opened classes member by member), each run of dropped units as one marker."""
    dropped: list[_Unit] = []

    def flush() -> None:
        if dropped:
            elided = outline.lines[dropped[0].start - 1 : dropped[-1].end]
            marker = _MARKER.format(count=len(elided), index=len(markers))
            pieces.append(dropped[0].indent + marker + outline.newline)
            markers.append((marker, elided))
            dropped.clear()

    for unit in units:
        if id(unit) not in kept:
            dropped.append(unit)
            continue
        flush()
        if unit.members:
            pieces.extend(outline.lines[unit.start - 1 : unit.header_end])
            _emit(outline, unit.members, kept, pieces, markers)
        else:
            pieces.extend(outline.lines[unit.start - 1 : unit.end])
    flush()


def _build(source: str) -> Outline | None:
    bom = source.startswith(_BOM)
    text = source[1:] if bom else source
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    lines = split_lines(text)
    binders: dict[str, list[_Unit]] = {}
    units = _units(tree.body, lines, 1, None, binders, module=True)
    outline = Outline(lines, bom, dominant_newline(text), units, binders, is_onex_file(None, tree))
    del tree
    return outline


def _units(
    body: list[ast.stmt], lines: list[str], start: int, parent: _Unit | None, binders: dict[str, list[_Unit]],
    *, module: bool,
) -> list[_Unit]:
    units: list[_Unit] = []
    for index, stmt in enumerate(body):
        first = _first_line(stmt)
        end = stmt.end_lineno or stmt.lineno
        binds, uses = _names(stmt)
        if units and first <= units[-1].end:  # statements sharing a line stay together, whole
            previous = units[-1]
            previous.end, previous.members, previous.header_end = end, [], 0
            previous.binds |= binds
            previous.uses |= uses
            for name in binds:
                binders.setdefault(name, []).append(previous)
            continue
        always = _always(stmt, index, module=module)
        unit = _Unit(start, end, leading_whitespace(lines[first - 1]), binds, uses, always, parent)
        if isinstance(stmt, ast.ClassDef) and _opens(stmt, lines):
            unit.uses = _header_uses(stmt)
            member_start = _first_line(stmt.body[0])
            unit.header_end = member_start - 1
            unit.members = _units(stmt.body, lines, member_start, unit, binders, module=False)
        for name in binds:
            binders.setdefault(name, []).append(unit)
        units.append(unit)
        start = end + 1
    return units


def _always(stmt: ast.stmt, index: int, *, module: bool) -> bool:
    if module:
        docstring = index == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
        return docstring or any(isinstance(node, ast.Import | ast.ImportFrom) for node in _shallow(stmt))
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
        return stmt.name in _ALWAYS_METHODS
    return not isinstance(stmt, ast.ClassDef)  # a class's attributes and docstring stay


def _first_line(stmt: ast.stmt) -> int:
    """The statement's first line: its first decorator's, for a decorated definition."""
    decorators: list[ast.expr] = getattr(stmt, "decorator_list", [])
    return min([stmt.lineno, *(d.lineno for d in decorators)])


def _opens(node: ast.ClassDef, lines: list[str]) -> bool:
    """Whether the class's first member starts a line of its own (then its members can be kept one by one)."""
    member = node.body[0]
    first = _first_line(member)
    line = lines[first - 1]
    if first == member.lineno:
        starts_line = char_col(line, member.col_offset) == len(leading_whitespace(line))
    else:
        starts_line = line.lstrip(" \t\f").startswith("@")
    return first > node.lineno and starts_line


def _shallow(stmt: ast.stmt) -> Iterator[ast.AST]:
    """The statement's nodes where it stands: not inside the bodies of functions, classes and lambdas."""
    stack: list[ast.AST] = [stmt]
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))


def _names(stmt: ast.stmt) -> tuple[set[str], set[str]]:
    """The names ``stmt`` binds where it stands, and every name it uses (identifiers, attributes, and strings
    that are identifiers, as ``getattr`` takes them)."""
    binds: set[str] = set()
    for node in _shallow(stmt):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            binds.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            binds.add(node.id)
        elif isinstance(node, ast.alias):
            binds.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.Global | ast.Nonlocal):
            binds.update(node.names)
    uses: set[str] = set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name):
            uses.add(node.id)
        elif isinstance(node, ast.Attribute):
            uses.add(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier():
            uses.add(node.value)
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
