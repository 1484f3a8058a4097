"""The settings the code injector reads (names, types and defaults are the settings')."""

from __future__ import annotations

from nodegen.settings import NodeOptions


class ModelCodeInjectorOptions(NodeOptions):
    """Stub markers, target matching, indentation, the answer size limit and backups."""

    stub_extraction_patterns: list[str]
    strict_line_matching: bool
    preserve_code_formatting: bool
    max_answer_chars: int
    injector_backup: bool
    injector_rewrite_hard_links: bool
