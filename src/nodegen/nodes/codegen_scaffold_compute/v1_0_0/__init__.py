"""NodeCodegenScaffoldCompute v1.0.0, and the node spec's functions (``spec``) other nodes use (imported on first
use: ``nodegen.lazy``)."""

from typing import TYPE_CHECKING

from nodegen.lazy import lazy_exports

if TYPE_CHECKING:
    from .node import NodeCodegenScaffoldCompute
    from .spec import (
        HEADER,
        MIN_EXAMPLES,
        SpecFileError,
        SpecRuntime,
        SpecTypeError,
        check_spec,
        dump_spec,
        example_outcome,
        function_stub,
        keyword_draft,
        kind_hint,
        leaves,
        load_spec,
        missing_numbers,
        numbers_in,
        parse_spec,
        prompt_names,
        read_type,
        read_yaml,
        states_errors,
        unbuildable,
    )

__all__ = [
    "HEADER",
    "MIN_EXAMPLES",
    "NodeCodegenScaffoldCompute",
    "SpecFileError",
    "SpecRuntime",
    "SpecTypeError",
    "check_spec",
    "dump_spec",
    "example_outcome",
    "function_stub",
    "keyword_draft",
    "kind_hint",
    "leaves",
    "load_spec",
    "missing_numbers",
    "numbers_in",
    "parse_spec",
    "prompt_names",
    "read_type",
    "read_yaml",
    "states_errors",
    "unbuildable",
]
__getattr__ = lazy_exports(
    __name__,
    {
        "HEADER": ".spec",
        "MIN_EXAMPLES": ".spec",
        "NodeCodegenScaffoldCompute": ".node",
        "SpecFileError": ".spec",
        "SpecRuntime": ".spec",
        "SpecTypeError": ".spec",
        "check_spec": ".spec",
        "dump_spec": ".spec",
        "example_outcome": ".spec",
        "function_stub": ".spec",
        "keyword_draft": ".spec",
        "kind_hint": ".spec",
        "leaves": ".spec",
        "load_spec": ".spec",
        "missing_numbers": ".spec",
        "numbers_in": ".spec",
        "parse_spec": ".spec",
        "prompt_names": ".spec",
        "read_type": ".spec",
        "read_yaml": ".spec",
        "states_errors": ".spec",
        "unbuildable": ".spec",
    },
)
