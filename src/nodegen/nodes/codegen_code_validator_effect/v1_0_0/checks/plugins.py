"""The checks the engine runs, each registered once with the rules it serves and the codes it reports (the way
ruff keeps its rule table and bandit its plugins): the engine runs every check one of whose rules is selected, and
a test holds each check's codes to the table of ``models.finding_codes``.

A check is in-process (``run``) or a subprocess the engine starts first and awaits last (``run_async``: ruff,
mypy), so the two overlap.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import (
    ONEX_RULES,
    RUFF_CODES,
    EnumValidationRule,
)

from .base import CheckContext, RawFinding
from .laziness import check_laziness
from .names import check_relative_imports
from .onex import check_contract, check_onex
from .quality import check_quality
from .ruff import RUFF_RULES, check_ruff
from .security import check_security
from .type_hints import check_mypy

Rules = Sequence[EnumValidationRule]
_R = EnumValidationRule


@dataclass(frozen=True, slots=True)
class Check:
    """One registered check: its name (its timing's key), the rules it serves (empty: every run), the codes it
    reports (nodegen's, or an external tool's family prefix such as ``B`` or ``F``), and how it runs."""

    name: str
    rules: frozenset[EnumValidationRule]
    codes: tuple[str, ...]
    run: Callable[[CheckContext, Rules], list[RawFinding]] | None = None
    run_async: Callable[[CheckContext, Rules], Awaitable[list[RawFinding]]] | None = None
    when: Callable[[CheckContext], bool] | None = None  # and only on code of this kind, or when so configured

    def selected(self, rules: Rules, ctx: CheckContext) -> bool:
        """Whether this check runs on ``ctx`` when ``rules`` are checked."""
        wanted = not self.rules or bool(self.rules & set(rules))
        return wanted and (self.when is None or self.when(ctx))


def _onex(ctx: CheckContext, rules: Rules) -> list[RawFinding]:
    return [found for found in check_onex(ctx) if found.rule in rules]


def _contract(ctx: CheckContext, rules: Rules) -> list[RawFinding]:
    return check_contract(ctx.contract) if ctx.contract is not None else []


_SHAPES = ("LAZY001", "LAZY002", "LAZY003", "LAZY004", "LAZY005", "LAZY006")
_SECURITY = ("SEC001", "SEC010", "SEC020", *(f"SEC0{n}" for n in range(30, 42)), "B", "CHK001")
_ONEX = ("ONEX001", "ONEX002", "ONEX003", "ONEX006", "ONEX008", "ONEX009", "ONEX010", "ONEX011")

CHECKS: tuple[Check, ...] = (
    Check(
        "ruff",
        RUFF_RULES,
        ("F", *sorted({entry.code for entry in RUFF_CODES.values()}), "CHK001"),
        run_async=check_ruff,
    ),
    Check(
        "mypy",
        frozenset({_R.TYPE_HINTS}),
        ("MYPY-", "CHK001"),
        run_async=lambda ctx, rules: check_mypy(ctx),
        when=lambda ctx: ctx.options.mypy,
    ),
    Check("laziness", frozenset(), _SHAPES, run=lambda ctx, rules: check_laziness(ctx)),
    Check("imports", frozenset({_R.IMPORTS}), ("IMP001",), run=lambda ctx, rules: check_relative_imports(ctx)),
    Check("security", frozenset({_R.SECURITY}), _SECURITY, run=lambda ctx, rules: check_security(ctx)),
    Check("onex", ONEX_RULES, _ONEX, run=_onex),
    Check("contract", ONEX_RULES, ("ONEX012",), run=_contract, when=lambda ctx: ctx.contract is not None),
    Check("quality", frozenset({_R.QUALITY}), ("QUA002", "QUA003"), run=lambda ctx, rules: check_quality(ctx)),
)
"""Every check but the syntax step (before them all) and the examples (after them all, in the sandbox)."""

__all__ = ["CHECKS", "Check"]
