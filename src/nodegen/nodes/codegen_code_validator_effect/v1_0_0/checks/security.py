"""Security: bandit in-process, detect-secrets on the generated lines, and nodegen's own checks (code built at run
time given to eval/exec/compile, I/O from a pure node). A bandit finding blocks when its severity and its confidence
are both medium or higher, otherwise it is a warning (so is a weak hash the stub's own name or docstring asks for:
``Return the md5 hash of text``); the other findings are errors. A finding names what it found,
never the secret itself. Which classes are ONEX nodes is decided in one place, ``nodegen.pysource.onex_nodes``."""

from __future__ import annotations

import ast
import io
import logging
import re
import threading
import warnings
from pathlib import PurePath
from typing import Any

from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import EnumFindingSeverity, EnumValidationRule
from nodegen.pysource import is_docstring
from nodegen.pysource.onex_nodes import node_kind

from .base import CheckContext, RawFinding
from .danger import check_danger
from .registry import checker_failed, external_finding, finding
from .tampering import check_tampering

_RULE = EnumValidationRule.SECURITY
# ruff's S307/S102 also flag eval/exec of a literal (`eval("1 + 1")`), and nothing flags compile(): not delegated
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
_PURE_KINDS = frozenset({"Reducer", "Compute"})
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


# a coding cookie in the first two lines: bandit reads the bytes it is given as the cookie says, and nodegen gives
# it the text in UTF-8 (a latin-1 file's "é" read as latin-1 was two characters, and no longer Python)
_COOKIE = re.compile(r"\A((?:[^\n]*\n)?[ \t\f]*#[^\n]*?coding[:=][ \t]*)[-\w.]+")


def check_bandit(ctx: CheckContext) -> list[RawFinding]:
    """bandit's tests on the assembled file; ``# nosec`` is not honoured (a model must not switch checks off)."""
    try:
        with _lock:
            bandit = _bandit_manager()
            bandit.results = []
            name = ctx.file_path or "generated.py"
            bandit.metrics.begin(name)
            data = _COOKIE.sub(r"\g<1>utf-8", ctx.text, count=1).encode("utf-8")  # the text, as UTF-8 says it
            bandit._execute_ast_visitor(name, io.BytesIO(data), data, {})
            issues = list(bandit.results)
    except ImportError as error:
        return [checker_failed(_RULE, "bandit", f"bandit is not installed: {error}")]
    except Exception as error:
        return [checker_failed(_RULE, "bandit", f"{type(error).__name__}: {error}")]
    test_file = is_test_file(ctx.file_path)
    return [
        _bandit_finding(issue, _asked_for(ctx, issue))
        for issue in issues
        if not (test_file and issue.test_id == _ASSERT_TEST)
    ]


def is_test_file(file_path: str | None) -> bool:
    """A pytest file (``test_*.py``, ``*_test.py``, ``conftest.py``), where ``assert`` is how a check is written."""
    name = PurePath(file_path).name if file_path else ""
    return name == "conftest.py" or (name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py")))


_LEVELS = {"UNDEFINED": 0, "LOW": 1, "MEDIUM": 2, "HIGH": 3}
_BLOCKING_LEVEL = _LEVELS["MEDIUM"]
_ASSERT_TEST = "B101"  # not reported in test files (bandit's own advice for them)
_PASSWORD_TESTS = frozenset({"B105", "B106", "B107"})  # their text quotes the password itself
_QUOTED = re.compile(r"""(['"]).*?\1""")
_DEFAULT_FIX = "rewrite it without the unsafe construct"
# What to do instead, for the bandit tests whose finding a rewrite clears (a stub asking for an MD5 digest was told to
# drop the one call its docstring wants). The others (urlopen's B310: no rewrite of the call clears it) get the
# general fix.
_BANDIT_FIXES = {
    "B102": "write the logic out instead of executing text",
    "B104": "bind to a host the caller configures, not to every interface",
    "B108": "make temporary files and directories with the tempfile module",
    "B301": "load data with json (or another format that cannot run code), not pickle",
    "B307": "use ast.literal_eval for a literal, or write the logic out instead of eval",
    "B324": "if the hash protects nothing (a checksum, a cache key, a format that names it), say so: "
    "`hashlib.md5(data, usedforsecurity=False)`; otherwise use hashlib.sha256",
    "B501": "keep certificate verification on: drop verify=False",
    "B506": "use yaml.safe_load",
    "B602": "pass the command as a list of arguments, without shell=True",
    "B605": "run the command with subprocess.run and a list of arguments, not through a shell",
    "B608": "pass the values as query parameters (placeholders), never formatted into the SQL text",
}


_WEAK_HASH_TEST = "B324"
_HASH_NAME = re.compile(r"\b(MD[245]|SHA-?1)\b", re.IGNORECASE)


def _asked_for(ctx: CheckContext, issue: Any) -> str | None:
    """The weak hash a B324 finding names when the user's own stub asks for it by name (``Return the md5 hash of
    text``, ``def sha1_digest``): then the digest is the specified output, not a security choice of the model's.
    Only the stub's name and docstring count (the lines outside the generated code), never what the model wrote."""
    if issue.test_id != _WEAK_HASH_TEST or ctx.regions is None or not (named := _HASH_NAME.search(str(issue.text))):
        return None
    wanted = named.group(1).replace("-", "").lower()
    line = int(issue.lineno)
    for node in ast.walk(ctx.tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or ctx.in_generated(node.lineno):
            continue
        if not node.lineno <= line <= (node.end_lineno or node.lineno):
            continue
        first = node.body[0]  # a function's body is never empty
        users = is_docstring(first) and not ctx.in_generated(first.lineno)
        docstring = (ast.get_docstring(node) or "") if users else ""
        in_docstring = {word.replace("-", "").lower() for word in _HASH_NAME.findall(docstring)}
        if wanted in in_docstring or wanted in node.name.lower():
            return named.group(1).upper()
    return None


def _bandit_finding(issue: Any, asked_for: str | None = None) -> RawFinding:
    """One bandit issue: an error when both its severity and its confidence are medium or higher, else a warning
    (bandit's own low-confidence guesses, such as B608 on a function whose job is to build SQL text, do not block;
    nor does a weak hash the stub itself asks for by name, ``asked_for``)."""
    severity, confidence = str(issue.severity).upper(), str(issue.confidence).upper()
    blocks = _LEVELS.get(severity, 0) >= _BLOCKING_LEVEL and _LEVELS.get(confidence, 0) >= _BLOCKING_LEVEL
    if asked_for:
        blocks, verdict = False, f"reported as a warning: the stub asks for {asked_for} by name"
    else:
        verdict = "blocks" if blocks else "reported as a warning"
    text = str(issue.text).rstrip(".")
    if issue.test_id in _PASSWORD_TESTS:
        text = _QUOTED.sub('"..."', text)  # name the finding, never repeat the secret
    return external_finding(
        "bandit",
        str(issue.test_id),
        EnumFindingSeverity.ERROR if blocks else EnumFindingSeverity.WARNING,
        f"{text} (bandit {issue.test_id}, severity {severity.lower()}, confidence {confidence.lower()}: {verdict})",
        line=int(issue.lineno),
        column=int(issue.col_offset) + 1,
        fix=_BANDIT_FIXES.get(str(issue.test_id), _DEFAULT_FIX),
    )


def check_secrets(ctx: CheckContext) -> list[RawFinding]:
    """Hard-coded secrets in the generated lines: detect-secrets' plugins and filters, as its file scan runs them."""
    try:
        from detect_secrets.core.scan import _process_line_based_plugins  # noqa: PLC0415
        from detect_secrets.settings import default_settings  # noqa: PLC0415
    except ImportError as error:
        return [checker_failed(_RULE, "detect-secrets", f"detect-secrets is not installed: {error}")]
    candidates = _secret_candidate_lines(ctx)
    numbered = [(number, ctx.lines[number - 1].rstrip("\r\n")) for number in sorted(candidates)]
    found: dict[int, dict[str, str]] = {}  # line -> kind -> the secret (kept only to locate it, never shown)
    try:
        with default_settings():
            for secret in _process_line_based_plugins(lines=numbered, filename=ctx.file_path or "generated.py"):
                found.setdefault(int(secret.line_number), {})[str(secret.type)] = str(secret.secret_value or "")
    except Exception as error:
        return [checker_failed(_RULE, "detect-secrets", f"{type(error).__name__}: {error}")]
    findings = []
    for number, kinds in sorted(found.items()):
        sites = sorted({site for value in kinds.values() if (site := _secret_site(ctx, number, value))})
        where = f": {', '.join(sites)}" if sites else ""
        findings.append(
            finding(
                "SEC020",
                f"a hard-coded secret{where} ({', '.join(sorted(kinds))})",
                line=number,
                fix="read it from configuration or the environment; never put it in code",
            )
        )
    return findings


def _holds(node: ast.expr | None, secret: str) -> bool:
    return (
        isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(secret) and secret in node.value
    ) or (isinstance(node, ast.JoinedStr) and any(_holds(value, secret) for value in node.values))


def _secret_site(ctx: CheckContext, line: int, secret: str) -> str | None:
    """Where the secret stands, with its value elided: ``password = "..."``, ``connect(password="...")``,
    ``"token": "..."``, ``key == "..."``, ``def login(password="...")``; None when it stands in no such place (a
    comment, a bare string)."""
    for node in ast.walk(ctx.tree):
        if getattr(node, "lineno", None) == line or isinstance(node, ast.Dict | ast.FunctionDef | ast.AsyncFunctionDef):
            site = _site(node, line, secret)
            if site is not None:
                return site
    return None


def _site(node: ast.AST, line: int, secret: str) -> str | None:
    if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign) and _holds(node.value, secret):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return f'{" = ".join(ast.unparse(target) for target in targets)} = "..."'
    if isinstance(node, ast.keyword) and node.arg and _holds(node.value, secret):
        return f'{node.arg}="..."'
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values, strict=True):
            if key is not None and value.lineno == line and _holds(value, secret):
                return f'{ast.unparse(key)}: "..."'
    if isinstance(node, ast.Compare) and len(node.comparators) == 1:
        left, right = sorted((node.left, node.comparators[0]), key=lambda side: _holds(side, secret))
        if _holds(right, secret) and not _holds(left, secret):  # the secret's side is shown last, as `key == "..."`
            return f'{ast.unparse(left)} {_COMPARE.get(type(node.ops[0]), "==")} "..."'
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):  # a parameter's default
        arguments = node.args
        positional = [*arguments.posonlyargs, *arguments.args]
        pairs = [
            *zip(positional[len(positional) - len(arguments.defaults) :], arguments.defaults, strict=True),
            *zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True),
        ]
        for argument, default in pairs:
            if default is not None and default.lineno == line and _holds(default, secret):
                return f'{argument.arg}="..."'
    return None


_COMPARE: dict[type[ast.cmpop], str] = {ast.Eq: "==", ast.NotEq: "!=", ast.Is: "is", ast.IsNot: "is not"}


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


def check_code_paths(ctx: CheckContext) -> list[RawFinding]:
    """eval/exec/compile of anything but a literal, and I/O inside reducer and compute nodes (classes subclassing
    NodeReducer or NodeCompute)."""
    findings = [
        finding("SEC001", f"`{node.func.id}` runs code built at run time (possible code injection)", node=node)
        for node in ctx.generated_nodes()
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _DYNAMIC_CODE
        and node.args
        and not isinstance(node.args[0], ast.Constant)
    ]
    pure = [
        (cls, kind.lower())
        for cls in ast.walk(ctx.tree)
        if isinstance(cls, ast.ClassDef) and (kind := node_kind(cls)) in _PURE_KINDS
    ]
    for cls, kind in pure:
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
                    finding(
                        "SEC010",
                        f"`{ast.unparse(func)}` does I/O inside the pure {kind} node `{cls.name}`",
                        node=node,
                        fix="return an intent (ModelIntent) and let an effect node do the I/O",
                    )
                )
    return findings


def check_security(ctx: CheckContext) -> list[RawFinding]:
    """Every check of the security rule: bandit, hard-coded secrets, I/O in pure nodes, destructive and
    exfiltrating calls (``danger``), tampering with the interpreter, the process or the host (``tampering``)."""
    return [*check_bandit(ctx), *check_secrets(ctx), *check_code_paths(ctx), *check_danger(ctx), *check_tampering(ctx)]


__all__ = ["check_bandit", "check_code_paths", "check_secrets", "check_security"]
