"""The settings the code validator reads (names, types and defaults are the settings')."""

from __future__ import annotations

from typing import Literal

from nodegen.settings import NodeOptions


class ModelCodeValidatorOptions(NodeOptions):
    """Strictness, rule switches, checker and sandbox limits, severity overrides and code selection."""

    validation_strict_mode: bool
    enable_security_checks: bool
    validation_mypy: bool
    validation_mypy_cache_dir: str | None
    validation_checker_timeout_s: float
    validation_run_examples: bool
    validation_examples_timeout_s: float
    sandbox_memory_mb: int
    allow_unsandboxed_code: bool
    sandbox_output_bytes: int
    validation_severity: dict[str, Literal["error", "warning", "off"]]
    validation_select: list[str]
    validation_ignore: list[str]
