"""NodeCodegenScaffoldCompute v1.0.0, and the node spec's public functions other nodes and the CLI use (read and
write a spec, check it, load its models, read the prompt, the keyword draft), each from its module on first use
(``nodegen.lazy``)."""

from typing import TYPE_CHECKING

from nodegen.lazy import lazy_exports

if TYPE_CHECKING:
    from .keyword_drafting import keyword_draft
    from .node import NodeCodegenScaffoldCompute
    from .prompt_naming import (
        error_rules,
        io_hint,
        kind_hint,
        listed_fields,
        numbers_in,
        prompt_names,
        sentences,
        states_errors,
        unbuildable,
    )
    from .rendering import function_stub
    from .spec_checks import (
        MIN_EXAMPLES,
        check_spec,
        example_outcome,
        held_numbers,
        leaves,
        missing_numbers,
        present_files,
    )
    from .spec_runtime import SpecRuntime
    from .spec_types import SpecTypeError, read_type
    from .spec_yaml import HEADER, SpecFileError, dump_spec, load_spec, parse_spec, read_yaml

__all__ = [
    "HEADER",
    "MIN_EXAMPLES",
    "NodeCodegenScaffoldCompute",
    "SpecFileError",
    "SpecRuntime",
    "SpecTypeError",
    "check_spec",
    "dump_spec",
    "error_rules",
    "example_outcome",
    "function_stub",
    "held_numbers",
    "io_hint",
    "keyword_draft",
    "kind_hint",
    "leaves",
    "listed_fields",
    "load_spec",
    "missing_numbers",
    "numbers_in",
    "parse_spec",
    "present_files",
    "prompt_names",
    "read_type",
    "read_yaml",
    "sentences",
    "states_errors",
    "unbuildable",
]
__getattr__ = lazy_exports(
    __name__,
    {
        "HEADER": ".spec_yaml",
        "MIN_EXAMPLES": ".spec_checks",
        "NodeCodegenScaffoldCompute": ".node",
        "SpecFileError": ".spec_yaml",
        "SpecRuntime": ".spec_runtime",
        "SpecTypeError": ".spec_types",
        "check_spec": ".spec_checks",
        "dump_spec": ".spec_yaml",
        "error_rules": ".prompt_naming",
        "example_outcome": ".spec_checks",
        "function_stub": ".rendering",
        "keyword_draft": ".keyword_drafting",
        "io_hint": ".prompt_naming",
        "kind_hint": ".prompt_naming",
        "held_numbers": ".spec_checks",
        "leaves": ".spec_checks",
        "load_spec": ".spec_yaml",
        "listed_fields": ".prompt_naming",
        "missing_numbers": ".spec_checks",
        "numbers_in": ".prompt_naming",
        "parse_spec": ".spec_yaml",
        "present_files": ".spec_checks",
        "prompt_names": ".prompt_naming",
        "read_type": ".spec_types",
        "read_yaml": ".spec_yaml",
        "sentences": ".prompt_naming",
        "states_errors": ".prompt_naming",
        "unbuildable": ".prompt_naming",
    },
)
