"""The validator's checks, one module per rule family."""

from .base import CheckContext, CheckerOptions, RawFinding
from .danger import check_danger
from .examples import ExampleOptions, ExampleRun, check_examples
from .laziness import check_laziness
from .names import check_relative_imports
from .onex import check_contract, check_onex, is_onex_file
from .quality import check_quality
from .registry import CODES, RUFF_CODES, FindingCode, checker_failed, finding
from .ruff import RUFF_RULES, check_ruff
from .security import check_bandit, check_code_paths, check_secrets, check_security
from .tampering import check_tampering
from .type_hints import check_mypy

__all__ = [
    "CODES",
    "RUFF_CODES",
    "RUFF_RULES",
    "CheckContext",
    "CheckerOptions",
    "ExampleOptions",
    "ExampleRun",
    "FindingCode",
    "RawFinding",
    "check_bandit",
    "check_code_paths",
    "check_contract",
    "check_danger",
    "check_examples",
    "check_laziness",
    "check_mypy",
    "check_onex",
    "check_quality",
    "check_relative_imports",
    "check_ruff",
    "check_secrets",
    "check_security",
    "check_tampering",
    "checker_failed",
    "finding",
    "is_onex_file",
]
