"""Finding the stubs of a Python source file and describing each one.

A function is a stub when one of the markers stands in a comment of its **own** body: a comment line of the body,
a trailing comment of one of its statements, or a trailing comment of its ``def`` line. A marker inside a nested
function or class, inside a string literal, or in a neighbouring function does not count (see
:mod:`nodegen.pysource.markers`). ``@overload`` functions are never stubs; ``@abstractmethod`` ones only when marked.
Optionally, an unmarked body that does nothing but ``raise NotImplementedError`` is a stub too.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from nodegen.infra.collector import collector_paused
from nodegen.pysource import (
    ABSTRACT_DECORATORS,
    FunctionNode,
    Mark,
    Scope,
    SourceModule,
    compile_markers,
    decorator_name,
    editor_line_count,
    find_marks,
    is_placeholder_body,
    leading_whitespace,
    raises_not_implemented,
    statements_after_docstring,
)
from nodegen.pysource.windows import WINDOW_CHARS, WindowSpan, editor_lines, window_module, window_spans

from .models import ModelClassContext, ModelMethodStub

NOT_IMPLEMENTED_MARKER = "raise NotImplementedError"
MAX_SIBLING_SIGNATURES = 40
# Every field of a stub record is given (see _Describer.stub): one set of their names serves every record, where
# validation would build a set of 22 names per stub (~2 kB, half of a record's size on a file of 100,000 stubs).
_EVERY_FIELD = set(ModelMethodStub.model_fields)


@dataclass(slots=True)
class ExtractionOutput:
    """What :func:`extract_stubs` found."""

    stubs: list[ModelMethodStub]
    file_lines: int
    module_docstring: str | None


class _Describer:
    """Builds the stub models of one module, sharing class contexts and signatures between stubs."""

    def __init__(self, module: SourceModule, imports: list[str]) -> None:
        self.module = module
        self.imports = imports
        self._class_contexts: dict[int, ModelClassContext] = {}

    def stub(self, scope: Scope, node: FunctionNode, mark: Mark) -> ModelMethodStub:
        """The record of one stub, built from the tree without validation (every value is of its field's type, and
        the module's import list is one list shared by its stubs, not a copy each)."""
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
        module = self.module
        return ModelMethodStub.model_construct(
            _EVERY_FIELD,
            name=node.name,
            qualified_name=scope.qualified_name,
            signature=module.header_source(node),
            docstring=ast.get_docstring(node),
            line_number=node.lineno,
            context=context,
            stub_marker=mark.pattern,
            marker_note=mark.note,
            marker_line=mark.line,
            is_async=isinstance(node, ast.AsyncFunctionDef),
            decorators=[f"@{module.segment(decorator)}" for decorator in node.decorator_list],
            first_decorator_line=node.decorator_list[0].lineno if node.decorator_list else None,
            body_start_line=node.body[0].lineno,
            body_end_line=max(node.end_lineno or node.lineno, mark.line),
            indentation=leading_whitespace(module.lines[node.lineno - 1]),
            body_indentation=module.body_indentation(node),
            has_placeholder_body=is_placeholder_body(node),
            enclosing_classes=classes,
            enclosing_function=enclosing_function,
            sibling_signatures=self._siblings(scope),
            module_imports=self.imports,
        )

    def _siblings(self, scope: Scope) -> list[str]:
        """Signatures of the nearest functions of the same scope, in source order, the stub itself left out."""
        group = scope.parent.children if scope.parent is not None else self.module.structure.module_functions
        half = MAX_SIBLING_SIGNATURES // 2
        low = max(0, min(scope.position - half, len(group) - MAX_SIBLING_SIGNATURES - 1))
        window = group[low : low + MAX_SIBLING_SIGNATURES + 1]
        return [self.module.header_source(sibling.node) for sibling in window if sibling is not scope]

    def _class_context(self, scope: Scope) -> ModelClassContext:
        cached = self._class_contexts.get(scope.index)
        if cached is not None:
            return cached
        node = scope.node
        if not isinstance(node, ast.ClassDef):
            raise TypeError(f"{scope.qualified_name} is not a class")
        segment = self.module.segment
        bases = [segment(base) for base in node.bases]
        bases += [
            f"{keyword.arg}={segment(keyword.value)}" if keyword.arg else f"**{segment(keyword.value)}"
            for keyword in node.keywords
        ]
        context = ModelClassContext(
            name=node.name,
            qualified_name=scope.qualified_name,
            line_number=node.lineno,
            bases=bases,
            decorators=[f"@{segment(decorator)}" for decorator in node.decorator_list],
            docstring=ast.get_docstring(node),
            attributes=[segment(stmt) for stmt in node.body if isinstance(stmt, ast.Assign | ast.AnnAssign)],
        )
        self._class_contexts[scope.index] = context
        return context


def stub_marks(module: SourceModule, patterns: Sequence[str], *, include_not_implemented: bool) -> dict[int, Mark]:
    """The functions of ``module`` that are stubs, by scope index, with the mark that makes each one a stub."""
    marks = find_marks(module, compile_markers(tuple(patterns)))
    stubs: dict[int, Mark] = {}
    for scope in module.scopes:
        node = scope.node
        if isinstance(node, ast.ClassDef):
            continue
        decorators = {decorator_name(decorator) for decorator in node.decorator_list}
        if "overload" in decorators:
            continue
        mark = marks.get(scope.index)
        if mark is None and include_not_implemented and not (decorators & ABSTRACT_DECORATORS):
            body = statements_after_docstring(node)
            if body and any(raises_not_implemented(stmt) for stmt in body) and is_placeholder_body(node):
                mark = Mark(NOT_IMPLEMENTED_MARKER, body[0].lineno, None)
        if mark is not None:
            stubs[scope.index] = mark
    return stubs


def _module_stubs(
    module: SourceModule, patterns: Sequence[str], imports: list[str], *, include_not_implemented: bool
) -> list[ModelMethodStub]:
    describer = _Describer(module, imports)
    marks = stub_marks(module, patterns, include_not_implemented=include_not_implemented)
    stubs = []
    for index, mark in marks.items():
        scope = module.scopes[index]
        node = scope.node
        if not isinstance(node, ast.ClassDef):
            stubs.append(describer.stub(scope, node, mark))
    return stubs


def _imports(module: SourceModule) -> list[str]:
    return [module.segment(node) for node in module.structure.imports]


def _free(module: SourceModule) -> None:
    """Break a window's scope cycles (parents and children point at each other) so its tree goes now."""
    for scope in module.scopes:
        scope.children.clear()


@dataclass(slots=True)
class StubScan:
    """A source that parses, read whole once: its line count, docstring and imports are known before its first stub.

    Iterating it describes the stubs in source order (outer functions before the functions nested in them). A text
    over ``WINDOW_CHARS`` is parsed again a window at a time, only the windows that hold a stub: one window's tree
    and records are held at once, so a caller that drops each record as it comes holds a large file's stubs never
    all together. A module-level stub's sibling signatures then come from its own window. ``on_stubs`` (if set) is
    told how many stubs each window gave, as they are given.
    """

    source: str
    patterns: tuple[str, ...]
    include_not_implemented: bool
    module: SourceModule | None  # the whole module of a small text; None when it is read in windows
    spans: list[WindowSpan]  # the windows that hold a stub
    imports: list[str]
    module_docstring: str | None
    file_lines: int
    on_stubs: Callable[[int], None] | None = None

    def __iter__(self) -> Iterator[ModelMethodStub]:
        include = self.include_not_implemented
        if self.module is not None:
            stubs = _module_stubs(self.module, self.patterns, self.imports, include_not_implemented=include)
            self._given(len(stubs))
            yield from stubs
            return
        for span in self.spans:
            with collector_paused():  # not left paused while the caller holds the iterator
                window = window_module(self.source, span)
                stubs = _module_stubs(window, self.patterns, self.imports, include_not_implemented=include)
                _free(window)
                del window
            self._given(len(stubs))
            yield from stubs

    def _given(self, count: int) -> None:
        if self.on_stubs is not None:
            self.on_stubs(count)


def scan_stubs(source: str, patterns: Sequence[str], *, include_not_implemented: bool = False) -> StubScan:
    """Parse ``source`` and find what its stubs will share; iterate the result for the stubs (see :class:`StubScan`).

    A leading byte-order mark is ignored; CRLF, CR and tab-indented files work as written (signatures, decorators
    and indentation are reported with the file's own characters). Raises ``ValueError`` for a pattern without text
    and ``ModelOnexError(VALIDATION_ERROR)`` for source that does not parse, before any stub is described. A text
    over ``WINDOW_CHARS`` is parsed a window of top-level statements at a time (bounded memory; see
    :mod:`nodegen.pysource.windows`).
    """
    markers = compile_markers(tuple(patterns))  # a bad pattern fails before any parsing
    if len(source) <= WINDOW_CHARS:
        module = SourceModule(source)
        return StubScan(
            source=source,
            patterns=markers.patterns,
            include_not_implemented=include_not_implemented,
            module=module,
            spans=[],
            imports=_imports(module),
            module_docstring=ast.get_docstring(module.tree),
            file_lines=editor_line_count(module.lines),
        )
    spans: list[WindowSpan] = []
    imports: list[str] = []
    docstring: str | None = None
    with collector_paused():
        for span, window in window_spans(source, WINDOW_CHARS):
            if span.start == 0:
                docstring = ast.get_docstring(window.tree)
            imports += _imports(window)
            if stub_marks(window, markers.patterns, include_not_implemented=include_not_implemented):
                spans.append(span)  # described on the second pass; a window without stubs is not parsed again
            _free(window)
            del window
    return StubScan(
        source=source,
        patterns=markers.patterns,
        include_not_implemented=include_not_implemented,
        module=None,
        spans=spans,
        imports=imports,
        module_docstring=docstring,
        file_lines=editor_lines(source),
    )


def extract_stubs(source: str, patterns: Sequence[str], *, include_not_implemented: bool = False) -> ExtractionOutput:
    """Every stub of ``source`` at once, in source order: :func:`scan_stubs` collected in a list."""
    scan = scan_stubs(source, patterns, include_not_implemented=include_not_implemented)
    return ExtractionOutput(stubs=list(scan), file_lines=scan.file_lines, module_docstring=scan.module_docstring)


__all__ = [
    "MAX_SIBLING_SIGNATURES",
    "NOT_IMPLEMENTED_MARKER",
    "ExtractionOutput",
    "StubScan",
    "extract_stubs",
    "scan_stubs",
    "stub_marks",
]
