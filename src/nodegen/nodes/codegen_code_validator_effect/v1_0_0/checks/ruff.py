"""ruff on the assembled file, once, via stdin: its pyflakes rules (``F821`` undefined name and friends are errors, the
rest warnings, under ruff's own codes) and the generic rules nodegen delegates to it (the table in ``registry``:
``ANN001`` -> ``TYP001``, ``C901`` -> ``QUA001``, ``T201`` -> ``ONEX007``, ...), reported under nodegen's codes.

ruff has no Python API, so its binary (shipped in the ruff wheel) runs as a subprocess with a timeout; it is isolated
from the user's ruff configuration so that the same code always gives the same findings, and ``# noqa`` comments are
not honoured (a model must not switch checks off).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import Iterable
from typing import Any

from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import EnumFindingSeverity, EnumValidationRule

from .base import CheckContext, RawFinding
from .registry import RUFF_CODES, checker_failed, external_finding, finding, ruff_codes_for

_ERRORS = frozenset({"F821", "F822", "F823", "F701", "F702", "F704", "F706", "F707"})
_STDLIB = frozenset(sys.stdlib_module_names)
MAX_COMPLEXITY = 10

RUFF_RULES = frozenset({EnumValidationRule.IMPORTS} | {entry.rule for entry in RUFF_CODES.values() if entry.rule})
"""The rule families ruff checks for nodegen."""


def _ruff_binary() -> str | None:
    try:
        from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]  # noqa: PLC0415 - on first use

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        return None


def _fix_for(code: str, message: str) -> str | None:
    if code == "F821" and "`" in message:
        name = message.split("`")[1]
        if name in _STDLIB:
            return f"add `import {name}` (it is a standard-library module)"
        return f"define `{name}` or import it"
    if code == "F401":
        return "remove the import, or use the name it imports"
    if code == "F841":
        return "remove the assignment or use the variable"
    return None


async def check_ruff(ctx: CheckContext, rules: Iterable[EnumValidationRule]) -> list[RawFinding]:
    """ruff's findings for ``rules``: pyflakes under its own codes, delegated rules under nodegen's (nothing runs
    when none of ``rules`` is ruff's)."""
    wanted = set(rules)
    select = (["F"] if EnumValidationRule.IMPORTS in wanted else []) + ruff_codes_for(wanted, ctx)
    if not select:
        return []
    reports = await _run(ctx, select)
    if isinstance(reports, str):
        served = sorted(wanted & RUFF_RULES)
        rule = EnumValidationRule.IMPORTS if EnumValidationRule.IMPORTS in wanted else served[0]
        return [checker_failed(rule, "ruff", reports)]
    return [_finding(ctx, report) for report in reports]


async def _run(ctx: CheckContext, select: list[str]) -> list[dict[str, Any]] | str:
    """ruff's JSON reports, or why it could not run."""
    binary = _ruff_binary()
    if binary is None:
        return "the ruff binary is not installed"
    command = [
        binary,
        "check",
        "--isolated",
        "--no-cache",
        "--ignore-noqa",
        "--select",
        ",".join(select),
        "--config",
        f"lint.mccabe.max-complexity = {MAX_COMPLEXITY}",
        "--target-version",
        "py311",
        "--output-format",
        "json",
        "--stdin-filename",
        ctx.file_path or "generated.py",
        "-",
    ]
    try:
        process = await asyncio.create_subprocess_exec(
            *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
    except OSError as error:
        return str(error)
    try:
        out, err = await asyncio.wait_for(process.communicate(ctx.text.encode("utf-8")), ctx.options.timeout_s)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        return f"timed out after {ctx.options.timeout_s:g} s"
    if process.returncode not in (0, 1):
        return err.decode(errors="replace").strip()[:200]
    try:
        reports = json.loads(out or b"[]")
    except json.JSONDecodeError as error:
        return f"unreadable output: {error}"
    return [report for report in reports if isinstance(report, dict)]


def _finding(ctx: CheckContext, report: dict[str, Any]) -> RawFinding:
    code = str(report.get("code") or "F")
    text = str(report.get("message", "")).rstrip(".")
    message = text[0].lower() + text[1:] if text else code
    location = report.get("location") or {}
    line, column = location.get("row"), location.get("column")
    delegated = RUFF_CODES.get(code)
    if delegated is None:  # pyflakes, under ruff's own code
        severity = EnumFindingSeverity.ERROR if code in _ERRORS else EnumFindingSeverity.WARNING
        return external_finding("ruff", code, severity, message, line=line, column=column, fix=_fix_for(code, text))
    return finding(
        delegated.code, f"{delegated.summary}: {message} (ruff {code})", ctx=ctx, line=line, column=column
    )


__all__ = ["MAX_COMPLEXITY", "RUFF_RULES", "check_ruff"]
