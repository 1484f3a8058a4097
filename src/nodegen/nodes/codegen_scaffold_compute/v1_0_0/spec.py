"""The node spec's public functions, for the orchestrator's spec stage and the CLI: read and write it, check it,
load its models, read the prompt, and the keyword draft."""

from .keyword_drafting import keyword_draft
from .prompt_naming import kind_hint, numbers_in, prompt_names, states_errors, unbuildable
from .rendering import function_stub
from .spec_checks import MIN_EXAMPLES, check_spec, example_outcome, leaves, missing_numbers
from .spec_runtime import SpecRuntime
from .spec_types import SpecTypeError, read_type
from .spec_yaml import HEADER, SpecFileError, dump_spec, load_spec, parse_spec, read_yaml

__all__ = [
    "HEADER",
    "MIN_EXAMPLES",
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
