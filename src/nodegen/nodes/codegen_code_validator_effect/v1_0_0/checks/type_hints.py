"""Type hints: optionally mypy on the code in place. Missing annotations (TYP001, TYP002) are ruff's ANN rules
(``registry``)."""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys

from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import EnumFindingSeverity, EnumValidationRule

from .base import CheckContext, RawFinding
from .registry import checker_failed, external_finding

_MYPY_LINE = re.compile(
    r"^[^:]*:(?P<line>\d+):(?P<column>\d+): (?P<kind>error|note): (?P<message>.*?)(?:  \[(?P<code>[\w-]+)\])?$"
)


async def check_mypy(ctx: CheckContext) -> list[RawFinding]:
    """mypy on the assembled file (off by default; a warm cache keeps it to tens of milliseconds)."""
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--show-column-numbers",
        "--no-error-summary",
        "--hide-error-context",
        "--ignore-missing-imports",
        "--no-color-output",
        "--soft-error-limit",
        "-1",
    ]
    if ctx.options.mypy_cache_dir:
        command += ["--cache-dir", ctx.options.mypy_cache_dir]
    command += ["--command", ctx.text]
    try:
        process = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        out, err = await asyncio.wait_for(process.communicate(), ctx.options.timeout_s)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        return [checker_failed(EnumValidationRule.TYPE_HINTS, "mypy", f"timed out after {ctx.options.timeout_s:g} s")]
    except OSError as error:
        return [checker_failed(EnumValidationRule.TYPE_HINTS, "mypy", str(error))]
    if process.returncode not in (0, 1) or b"No module named mypy" in err:
        return [checker_failed(EnumValidationRule.TYPE_HINTS, "mypy", err.decode(errors="replace").strip()[:200])]
    findings = []
    for text in out.decode(errors="replace").splitlines():
        match = _MYPY_LINE.match(text)
        if match is None or match["kind"] != "error":
            continue
        findings.append(
            external_finding(
                "mypy",
                f"MYPY-{match['code'] or 'error'}",
                EnumFindingSeverity.WARNING,
                f"type hint check (mypy): {match['message']}",
                line=int(match["line"]),
                column=int(match["column"]),
            )
        )
    return findings


__all__ = ["check_mypy"]
