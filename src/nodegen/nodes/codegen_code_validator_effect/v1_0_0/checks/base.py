"""What every check sees and what it returns."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import EnumFindingSeverity, EnumValidationRule


@dataclass(frozen=True, slots=True)
class CheckerOptions:
    """Knobs of the external checkers."""

    timeout_s: float = 10.0
    mypy: bool = False
    mypy_cache_dir: str | None = None


@dataclass(slots=True)
class CheckContext:
    """The code as it is analysed: the whole assembled file, and which of its lines are the generated code."""

    text: str
    lines: Sequence[str]  # a list, or for a large whole file a ``LineIndex``
    tree: ast.Module
    file_path: str | None
    regions: list[tuple[int, int]] | None  # None: every line is generated code
    onex_file: bool
    onex_rules_requested: bool
    options: CheckerOptions = field(default_factory=CheckerOptions)
    contract: Path | None = None  # a node.py checked as a whole file brings its contract.yaml along

    def in_generated(self, line: int | None) -> bool:
        """Whether ``line`` (1-based) belongs to the generated code."""
        if self.regions is None:
            return True
        return line is not None and any(start <= line <= end for start, end in self.regions)

    def generated_functions(self) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
        """Functions whose ``def`` line is in the generated code."""
        for node in ast.walk(self.tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and self.in_generated(node.lineno):
                yield node

    def generated_nodes(self) -> Iterator[ast.AST]:
        """Every syntax node that starts in the generated code."""
        for node in ast.walk(self.tree):
            line = getattr(node, "lineno", None)
            if line is not None and self.in_generated(line):
                yield node


@dataclass(frozen=True, slots=True)
class RawFinding:
    """A finding before severity overrides and the generated-code filter."""

    rule: EnumValidationRule
    code: str
    severity: EnumFindingSeverity
    message: str
    line: int | None = None
    column: int | None = None
    suggested_fix: str | None = None


def position(node: ast.AST) -> tuple[int | None, int | None]:
    """1-based line and column of a syntax node."""
    line = getattr(node, "lineno", None)
    column = getattr(node, "col_offset", None)
    return line, None if column is None else column + 1


__all__ = ["CheckContext", "CheckerOptions", "RawFinding", "position"]
