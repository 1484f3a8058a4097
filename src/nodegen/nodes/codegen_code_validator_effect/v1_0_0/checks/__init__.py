"""The validator's checks, one module per rule family."""

from .base import CheckContext, CheckerOptions, RawFinding, checker_failed
from .danger import check_danger
from .examples import ExampleOptions, check_examples
from .laziness import check_laziness
from .names import check_names
from .onex import check_contract, check_onex, is_onex_file
from .quality import check_quality
from .security import check_bandit, check_code_paths, check_secrets
from .type_hints import check_annotations, check_mypy

__all__ = [
    "CheckContext",
    "CheckerOptions",
    "ExampleOptions",
    "RawFinding",
    "check_annotations",
    "check_bandit",
    "check_code_paths",
    "check_contract",
    "check_danger",
    "check_examples",
    "check_laziness",
    "check_mypy",
    "check_names",
    "check_onex",
    "check_quality",
    "check_secrets",
    "checker_failed",
    "is_onex_file",
]
