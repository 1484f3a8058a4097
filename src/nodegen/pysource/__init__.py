"""Reading Python source as nodegen needs it: exact lines and slices, scopes with qualified names, stub markers.

Shared by the nodes that look at user code (extractor, injector, validator); it does no I/O.
"""

from .answer import (
    FUNCTION_ENDS,
    Answer,
    AnswerError,
    EnumAnswerProblem,
    Helper,
    ReadAnswer,
    parse_snippet,
    read_answer,
)
from .markers import DEFAULT_STUB_MARKERS, Mark, MarkerSet, compile_markers, find_marks
from .module import BOM, SourceModule, parse_source
from .scopes import (
    ABSTRACT_DECORATORS,
    FunctionNode,
    ModuleScopes,
    Scope,
    ScopeNode,
    collect_scopes,
    decorator_name,
    is_docstring,
    is_placeholder_body,
    is_placeholder_statement,
    only_placeholders,
    own_nodes,
    raises_not_implemented,
    statements_after_docstring,
)
from .signatures import signature_difference
from .text import (
    byte_col,
    char_col,
    dominant_newline,
    editor_line_count,
    indent_width,
    leading_whitespace,
    split_lines,
)

__all__ = [
    "ABSTRACT_DECORATORS",
    "BOM",
    "DEFAULT_STUB_MARKERS",
    "FUNCTION_ENDS",
    "Answer",
    "AnswerError",
    "EnumAnswerProblem",
    "FunctionNode",
    "Helper",
    "Mark",
    "MarkerSet",
    "ModuleScopes",
    "ReadAnswer",
    "Scope",
    "ScopeNode",
    "SourceModule",
    "byte_col",
    "char_col",
    "collect_scopes",
    "compile_markers",
    "decorator_name",
    "dominant_newline",
    "editor_line_count",
    "find_marks",
    "indent_width",
    "is_docstring",
    "is_placeholder_body",
    "is_placeholder_statement",
    "leading_whitespace",
    "only_placeholders",
    "own_nodes",
    "parse_snippet",
    "parse_source",
    "raises_not_implemented",
    "read_answer",
    "signature_difference",
    "split_lines",
    "statements_after_docstring",
]
