"""What every check sees and what it returns."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

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
    lines: list[str]
    tree: ast.Module
    file_path: str | None
    regions: list[tuple[int, int]] | None  # None: every line is generated code
    onex_file: bool
    onex_rules_requested: bool
    options: CheckerOptions = field(default_factory=CheckerOptions)

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


def checker_failed(rule: EnumValidationRule, checker: str, reason: str) -> RawFinding:
    """A checker that is missing, crashed or timed out: an error, never a silent pass."""
    return RawFinding(
        rule=rule,
        code="CHK001",
        severity=EnumFindingSeverity.ERROR,
        message=f"the {checker} checker could not run ({reason}), so this code was not checked for {rule.value}",
        suggested_fix=f"install or repair {checker}, or switch the {rule.value} rule off in configuration",
    )


def walked(rule: EnumValidationRule, checker: str, run: Callable[[], list[RawFinding]]) -> list[RawFinding]:
    """``run()``, a check that walks the syntax tree; code nested too deeply for Python to walk is refused
    (CHK001), never passed unchecked."""
    try:
        return run()
    except RecursionError:
        failed = checker_failed(rule, checker, "the code is nested too deeply to follow")
        return [replace(failed, suggested_fix="write flatter code: fewer nested calls, brackets and blocks")]


__all__ = ["CheckContext", "CheckerOptions", "RawFinding", "checker_failed", "position", "walked"]
