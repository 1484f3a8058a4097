"""Building findings: every one goes through here, from the one table of codes (``models.finding_codes``); and the
ruff codes selected for the rules being checked.

Generic Python rules (annotations, docstrings, complexity, ``print``, bare ``except``, ``raise`` without ``from``)
are ruff's: nodegen runs ruff once on the assembled file and reports each ruff code it selects
under the nodegen code users configure (``validation_severity = {"TYP" = "error"}`` keeps working). What ruff cannot
know, or judges otherwise, stays nodegen's own (ONEX structure; ``except Exception`` logged with ``emit_log_event``,
which BLE001 would flag; ``eval`` of a literal, which S307 would flag; I/O in pure nodes; ...).
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import (
    CODES,
    EXTERNAL,
    RUFF_CODES,
    EnumFindingSeverity,
    EnumValidationRule,
    FindingCode,
)

from .base import CheckContext, RawFinding, position


def finding(
    code: str,
    message: str,
    *,
    ctx: CheckContext | None = None,
    node: ast.AST | None = None,
    line: int | None = None,
    column: int | None = None,
    fix: str | None = None,
    rule: EnumValidationRule | None = None,
) -> RawFinding:
    """A finding of the registered ``code``: its rule and severity from the table, at ``node`` (or line/column).
    ``rule`` is only for a code reported under the rule its check was checking (CHK001)."""
    entry = CODES[code]
    reported = entry.rule or rule
    if reported is None or (entry.rule is not None and rule is not None):
        raise ValueError(f"{code}: a rule is given exactly when the table has none")
    if node is not None:
        line, column = position(node)
    severity = entry.severity_in(onex_file=ctx is not None and ctx.onex_file)
    return RawFinding(reported, code, severity, message, line, column, fix or entry.fix)


def external_finding(
    tool: str,
    code: str,
    severity: EnumFindingSeverity,
    message: str,
    *,
    line: int | None = None,
    column: int | None = None,
    fix: str | None = None,
) -> RawFinding:
    """A finding of an external tool under its own code (ruff's pyflakes, bandit, mypy), in the tool's family."""
    family = EXTERNAL[tool]
    if not code.startswith(family.prefix):
        raise ValueError(f"{code} is not a {tool} code ({family.prefix}...)")
    return RawFinding(family.rule, code, severity, message, line, column, fix)


def checker_failed(rule: EnumValidationRule, checker: str, reason: str, *, fix: str | None = None) -> RawFinding:
    """A checker that is missing, crashed or timed out (CHK001, under the rule it was checking): an error, never a
    silent pass."""
    return finding(
        "CHK001",
        f"the {checker} checker could not run ({reason}), so this code was not checked for {rule.value}",
        rule=rule,
        fix=fix or f"install or repair {checker}, or switch the {rule.value} rule off in configuration",
    )


def walked(rule: EnumValidationRule, checker: str, run: Callable[[], list[RawFinding]]) -> list[RawFinding]:
    """``run()``, a check that walks the syntax tree; code nested too deeply for Python to walk is refused
    (CHK001), never passed unchecked."""
    try:
        return run()
    except RecursionError:
        fix = "write flatter code: fewer nested calls, brackets and blocks"
        return [checker_failed(rule, checker, "the code is nested too deeply to follow", fix=fix)]


def ruff_codes_for(rules: set[EnumValidationRule], ctx: CheckContext) -> list[str]:
    """The delegated ruff codes to select when checking ``rules`` in ``ctx``'s code."""
    return sorted(
        ruff
        for ruff, entry in RUFF_CODES.items()
        if entry.rule in rules
        and entry.reported_in(onex_file=ctx.onex_file, onex_rules_requested=ctx.onex_rules_requested)
    )


__all__ = [
    "CODES",
    "RUFF_CODES",
    "FindingCode",
    "checker_failed",
    "external_finding",
    "finding",
    "ruff_codes_for",
    "walked",
]
