"""Security: bandit in-process, detect-secrets on the generated lines, and nodegen's own checks (code built from
input run by eval/exec/compile, I/O from a pure node). Security findings are errors (bandit's low-severity ones are
warnings)."""

from __future__ import annotations

import ast
import io
import logging
import re
import threading
import warnings
from typing import Any

from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import EnumFindingSeverity, EnumValidationRule

from .base import CheckContext, RawFinding, checker_failed, finding_at

_RULE = EnumValidationRule.SECURITY
_DYNAMIC_CODE = frozenset({"eval", "exec", "compile"})
# Roots of calls that reach files, the network or other processes.
_IO_MODULES = frozenset(
    {
        "os",
        "shutil",
        "socket",
        "subprocess",
        "requests",
        "httpx",
        "urllib",
        "http",
        "aiohttp",
        "ftplib",
        "smtplib",
        "sqlite3",
        "asyncpg",
        "psycopg",
        "psycopg2",
        "tempfile",
        "glob",
        "pathlib",
        "aiofiles",
    }
)
_IO_METHODS = frozenset(
    {
        "read_text",
        "write_text",
        "read_bytes",
        "write_bytes",
        "unlink",
        "mkdir",
        "rmdir",
        "touch",
        "rename",
        "open",
        "iterdir",
        "glob",
        "rglob",
        "urlopen",
    }
)
_PURE_KINDS = ("Reducer", "Compute")
_lock = threading.Lock()
_manager: Any = None


def _bandit_manager() -> Any:
    global _manager  # noqa: PLW0603 - one bandit manager per process; building it loads every plugin
    if _manager is None:
        logging.getLogger("bandit").setLevel(logging.ERROR)
        with warnings.catch_warnings():  # bandit's plugin loader passes an argument stevedore deprecated
            warnings.simplefilter("ignore", DeprecationWarning)
            from bandit.core import config, manager  # type: ignore[import-untyped]  # noqa: PLC0415 - on first use

            _manager = manager.BanditManager(config.BanditConfig(), "file", quiet=True)
    return _manager


def check_bandit(ctx: CheckContext) -> list[RawFinding]:
    """bandit's tests on the assembled file; ``# nosec`` is not honoured (a model must not switch checks off)."""
    try:
        with _lock:
            bandit = _bandit_manager()
            bandit.results = []
            name = ctx.file_path or "generated.py"
            bandit.metrics.begin(name)
            data = ctx.text.encode("utf-8")
            bandit._execute_ast_visitor(name, io.BytesIO(data), data, {})
            issues = list(bandit.results)
    except ImportError as error:
        return [checker_failed(_RULE, "bandit", f"bandit is not installed: {error}")]
    except Exception as error:
        return [checker_failed(_RULE, "bandit", f"{type(error).__name__}: {error}")]
    findings = []
    for issue in issues:
        severity = EnumFindingSeverity.WARNING if issue.severity == "LOW" else EnumFindingSeverity.ERROR
        findings.append(
            RawFinding(
                rule=_RULE,
                code=str(issue.test_id),
                severity=severity,
                message=f"{str(issue.text).rstrip('.')} (bandit {issue.test_id}, {issue.severity.lower()} severity)",
                line=int(issue.lineno),
                column=int(issue.col_offset) + 1,
                suggested_fix="rewrite it without the unsafe construct",
            )
        )
    return findings


def check_secrets(ctx: CheckContext) -> list[RawFinding]:
    """Hard-coded secrets in the generated lines: detect-secrets' plugins and filters, as its file scan runs them."""
    try:
        from detect_secrets.core.scan import _process_line_based_plugins  # noqa: PLC0415
        from detect_secrets.settings import default_settings  # noqa: PLC0415
    except ImportError as error:
        return [checker_failed(_RULE, "detect-secrets", f"detect-secrets is not installed: {error}")]
    candidates = _secret_candidate_lines(ctx)
    numbered = [(number, ctx.lines[number - 1].rstrip("\r\n")) for number in sorted(candidates)]
    found: dict[int, set[str]] = {}
    try:
        with default_settings():
            for secret in _process_line_based_plugins(lines=numbered, filename=ctx.file_path or "generated.py"):
                found.setdefault(int(secret.line_number), set()).add(str(secret.type))
    except Exception as error:
        return [checker_failed(_RULE, "detect-secrets", f"{type(error).__name__}: {error}")]
    return [
        RawFinding(
            rule=_RULE,
            code="SEC020",
            severity=EnumFindingSeverity.ERROR,
            message=f"a hard-coded secret ({', '.join(sorted(kinds))})",
            line=number,
            suggested_fix="read it from configuration or the environment; never put it in code",
        )
        for number, kinds in sorted(found.items())
    ]


_SECRET_WORDS = re.compile(r"pass(word|wd)?|secret|token|api_?key|private|credential|auth", re.IGNORECASE)
_LONG_RUN = re.compile(r"[A-Za-z0-9+/=_\-]{20,}")
_MIN_SECRET_LENGTH = 8


def _secret_candidate_lines(ctx: CheckContext) -> set[int]:
    """Generated lines where a secret could stand: a string of 8+ characters, a secret-sounding name, or a long
    token-like run (in a comment, say). detect-secrets costs ~60 us a line; most lines are none of these."""
    lines: set[int] = set()
    for node in ctx.generated_nodes():
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str | bytes)
            and len(node.value) >= _MIN_SECRET_LENGTH
        ):
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    for number, line in enumerate(ctx.lines, start=1):
        if number not in lines and ctx.in_generated(number) and (_SECRET_WORDS.search(line) or _LONG_RUN.search(line)):
            lines.add(number)
    return lines


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _pure_node_classes(tree: ast.Module) -> list[ast.ClassDef]:
    pure = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            bases = {base.id if isinstance(base, ast.Name) else getattr(base, "attr", "") for base in node.bases}
            if (node.name.startswith("Node") and node.name.endswith(_PURE_KINDS)) or bases & {
                "NodeReducer",
                "NodeCompute",
            }:
                pure.append(node)
    return pure


def check_code_paths(ctx: CheckContext) -> list[RawFinding]:
    """eval/exec/compile of anything but a literal, and I/O inside reducer or compute nodes."""
    findings = []
    for node in ctx.generated_nodes():
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _DYNAMIC_CODE
            and node.args
            and not isinstance(node.args[0], ast.Constant)
        ):
            findings.append(
                finding_at(
                    node,
                    _RULE,
                    "SEC001",
                    EnumFindingSeverity.ERROR,
                    f"`{node.func.id}` runs code built at run time (possible code injection)",
                    suggested_fix="parse data with json/ast.literal_eval, or dispatch through a dict of functions",
                )
            )
    for cls in _pure_node_classes(ctx.tree):
        kind = "reducer" if "Reducer" in cls.name or "Reducer" in ast.unparse(cls).split(":", 1)[0] else "compute"
        for node in ast.walk(cls):
            if not isinstance(node, ast.Call) or not ctx.in_generated(getattr(node, "lineno", None)):
                continue
            func = node.func
            called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            root = _root_name(func)
            if (
                called in ("open", "print_to_file")
                or (isinstance(func, ast.Attribute) and called in _IO_METHODS)
                or (
                    root in _IO_MODULES
                    and not (root == "os" and ast.unparse(func).startswith(("os.path.join", "os.sep")))
                )
            ):
                findings.append(
                    finding_at(
                        node,
                        _RULE,
                        "SEC010",
                        EnumFindingSeverity.ERROR,
                        f"`{ast.unparse(func)}` does I/O inside the pure {kind} node `{cls.name}`",
                        suggested_fix="return an intent (ModelIntent) and let an effect node do the I/O",
                    )
                )
    return findings


__all__ = ["check_bandit", "check_code_paths", "check_secrets"]
