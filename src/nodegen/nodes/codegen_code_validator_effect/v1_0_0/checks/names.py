"""Undefined names (errors) and unused imports (warnings): ruff's F rules on the assembled file, via stdin.

ruff has no Python API, so its binary (shipped in the ruff wheel) runs as a subprocess with a timeout; it is
isolated from the user's ruff configuration so that the same code always gives the same findings.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import json
import sys

from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import EnumFindingSeverity, EnumValidationRule

from .base import CheckContext, RawFinding, checker_failed, finding_at

_ERRORS = frozenset({"F821", "F822", "F823", "F701", "F702", "F704", "F706", "F707"})
_STDLIB = frozenset(sys.stdlib_module_names)


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


async def check_names(ctx: CheckContext) -> list[RawFinding]:
    """Run ruff's pyflakes rules; ``F821`` and friends are errors, the rest warnings."""
    binary = _ruff_binary()
    if binary is None:
        return [checker_failed(EnumValidationRule.IMPORTS, "ruff", "the ruff binary is not installed")]
    name = ctx.file_path or "generated.py"
    try:
        process = await asyncio.create_subprocess_exec(
            binary,
            "check",
            "--isolated",
            "--no-cache",
            "--select",
            "F",
            "--target-version",
            "py311",
            "--output-format",
            "json",
            "--stdin-filename",
            name,
            "-",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    except OSError as error:
        return [checker_failed(EnumValidationRule.IMPORTS, "ruff", str(error))]
    try:
        out, err = await asyncio.wait_for(process.communicate(ctx.text.encode("utf-8")), ctx.options.timeout_s)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        return [checker_failed(EnumValidationRule.IMPORTS, "ruff", f"timed out after {ctx.options.timeout_s:g} s")]
    if process.returncode not in (0, 1):
        return [checker_failed(EnumValidationRule.IMPORTS, "ruff", err.decode(errors="replace").strip()[:200])]
    try:
        reports = json.loads(out or b"[]")
    except json.JSONDecodeError as error:
        return [checker_failed(EnumValidationRule.IMPORTS, "ruff", f"unreadable output: {error}")]
    findings = []
    for report in reports:
        code = str(report.get("code") or "F")
        message = str(report.get("message", "")).rstrip(".")
        location = report.get("location") or {}
        findings.append(
            RawFinding(
                rule=EnumValidationRule.IMPORTS,
                code=code,
                severity=EnumFindingSeverity.ERROR if code in _ERRORS else EnumFindingSeverity.WARNING,
                message=message[0].lower() + message[1:] if message else code,
                line=location.get("row"),
                column=location.get("column"),
                suggested_fix=_fix_for(code, message),
            )
        )
    return findings + _relative_imports(ctx)


def _relative_imports(ctx: CheckContext) -> list[RawFinding]:
    findings = []
    for node in ctx.generated_nodes():
        if isinstance(node, ast.ImportFrom) and node.level > 1:  # "from ..x": siblings (".x") are the ONEX layout
            findings.append(
                finding_at(
                    node,
                    EnumValidationRule.IMPORTS,
                    "IMP001",
                    EnumFindingSeverity.WARNING,
                    f"relative import from a parent package `{'.' * node.level}{node.module or ''}`",
                    suggested_fix="import by the absolute module path",
                )
            )
    return findings


__all__ = ["check_names"]
