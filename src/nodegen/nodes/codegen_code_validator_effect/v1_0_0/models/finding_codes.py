"""Every finding code nodegen reports, declared once: its rule family, its severity, what it finds and the ruff
codes that find it for nodegen; and the external tools whose own codes are reported as they are (ruff's pyflakes
``F*``, bandit's ``B*``, mypy's ``MYPY-*``). Public, so that every node and the CLI read one table; the checks build
findings from it (``checks.registry.finding``), the generator its answer findings (``answer_finding``).

A severity is ``error``, ``warning`` or ``onex``: an ONEX rule, an error in an ONEX node file and a warning elsewhere,
where it is only reported when an ONEX rule family was asked for by name. A code whose rule is None (CHK001) is
reported under the rule it was checking.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .enum_finding_severity import EnumFindingSeverity
from .enum_validation_rule import EnumValidationRule
from .model_validation_finding import ModelValidationFinding

Severity = Literal["error", "warning", "onex"]

_R = EnumValidationRule


@dataclass(frozen=True, slots=True)
class FindingCode:
    """One nodegen finding code: its family, its severity, what it finds, and the ruff codes that find it for it."""

    code: str
    rule: EnumValidationRule | None  # None: the rule of the check that reports it
    severity: Severity
    summary: str
    ruff: tuple[str, ...] = ()
    fix: str | None = None

    def severity_in(self, *, onex_file: bool) -> EnumFindingSeverity:
        """The severity of a finding of this code in an ONEX node file or elsewhere."""
        if self.severity == "onex":
            return EnumFindingSeverity.ERROR if onex_file else EnumFindingSeverity.WARNING
        return EnumFindingSeverity(self.severity)

    def reported_in(self, *, onex_file: bool, onex_rules_requested: bool) -> bool:
        """ONEX rules count in ONEX node files, or where they were asked for by name; the others always."""
        return self.severity != "onex" or onex_file or onex_rules_requested


@dataclass(frozen=True, slots=True)
class ExternalFamily:
    """A tool whose findings keep the tool's own codes (``prefix`` and what follows it)."""

    prefix: str
    tool: str
    rule: EnumValidationRule


_CODES = (
    # -- reading the answer (the generator and the injector refuse it before any check runs)
    FindingCode("ANS001", _R.SYNTAX, "error", "the answer holds no Python code"),
    FindingCode("ANS002", _R.SYNTAX, "error", "the answer is over the size nodegen reads (max_answer_chars)"),
    FindingCode("SIG001", _R.SYNTAX, "error", "the answer's signature differs from the stub's"),
    # -- syntax and placeholders
    FindingCode("SYN001", _R.SYNTAX, "error", "the code does not parse"),
    FindingCode("SYN002", _R.SYNTAX, "error", "the code does not compile where it stands (await, nonlocal, ...)"),
    FindingCode("SYN003", _R.SYNTAX, "error", "the code is empty"),
    FindingCode("SYN004", _R.SYNTAX, "error", "code besides the target, or helpers and imports that cannot be placed"),
    FindingCode("SYN005", _R.SYNTAX, "error", "the code holds a character the file's encoding cannot write"),
    FindingCode("LAZY001", _R.SYNTAX, "error", "the body is still a placeholder"),
    FindingCode("LAZY002", _R.SYNTAX, "error", "the body elides code (`# rest of the code here`)"),
    FindingCode("LAZY003", _R.SYNTAX, "error", "the body never returns the value its annotation promises"),
    FindingCode("LAZY004", _R.SYNTAX, "error", "the body declares its own class or function again"),
    FindingCode("LAZY005", _R.SYNTAX, "error", "the body turns a function that returns a value into a generator"),
    FindingCode("LAZY006", _R.SYNTAX, "error", "a loop that can never end"),
    # -- names and imports (ruff's F rules are reported under their own codes)
    FindingCode("IMP001", _R.IMPORTS, "warning", "relative import from a parent package"),
    # -- type hints (ruff)
    FindingCode(
        "TYP001",
        _R.TYPE_HINTS,
        "warning",
        "parameter without a type hint",
        ruff=("ANN001", "ANN002", "ANN003"),
        fix="annotate it: `name: <type>`",
    ),
    FindingCode(
        "TYP002",
        _R.TYPE_HINTS,
        "warning",
        "function without a return type hint (dunders exempt)",
        ruff=("ANN201", "ANN202", "ANN205", "ANN206"),
        fix="add `-> <type>` (`-> None` when it returns nothing)",
    ),
    # -- docstrings and quality
    FindingCode(
        "DOC001",
        _R.DOCSTRINGS,
        "warning",
        "public function or method without a docstring",
        ruff=("D102", "D103"),
        fix="add a one-line docstring that states what it returns or does",
    ),
    FindingCode(
        "QUA001",
        _R.QUALITY,
        "warning",
        "cyclomatic complexity over 10",
        ruff=("C901",),
        fix="split it into smaller functions",
    ),
    FindingCode("QUA002", _R.QUALITY, "warning", "function over 50 lines", fix="move steps into helper functions"),
    FindingCode(
        "QUA003",
        _R.QUALITY,
        "warning",
        "dict[str, Any] in a public signature",
        fix="use a pydantic model (or a TypedDict) for structured data",
    ),
    # -- security (bandit's B* codes are reported under their own codes)
    # ruff's S307/S102 flag eval/exec of a literal too, and nothing flags compile(): not delegated
    FindingCode(
        "SEC001",
        _R.SECURITY,
        "error",
        "eval/exec/compile of code built at run time (possible code injection)",
        fix="parse data with json/ast.literal_eval, or dispatch through a dict of functions",
    ),
    FindingCode("SEC010", _R.SECURITY, "error", "I/O inside a reducer or compute node"),
    FindingCode("SEC020", _R.SECURITY, "error", "a hard-coded secret"),
    FindingCode("SEC030", _R.SECURITY, "error", "dynamic import or attribute lookup of a dangerous name"),
    FindingCode("SEC031", _R.SECURITY, "error", "recursive delete of a folder the code did not create"),
    FindingCode("SEC032", _R.SECURITY, "error", "write outside the project"),
    FindingCode("SEC033", _R.SECURITY, "error", "reading credentials"),
    FindingCode("SEC034", _R.SECURITY, "error", "environment data sent over a socket, HTTP or mail"),
    FindingCode("SEC035", _R.SECURITY, "error", "builtins or shared modules replaced (monkeypatching the interpreter)"),
    FindingCode("SEC036", _R.SECURITY, "error", "other code's frames or objects read (sys._getframe, gc, f_back)"),
    FindingCode("SEC037", _R.SECURITY, "error", "the process replaced or ended (exec*, spawn*, os._exit)"),
    FindingCode("SEC038", _R.SECURITY, "error", "raw memory or C functions through ctypes"),
    FindingCode("SEC039", _R.SECURITY, "error", "a write into site-packages or the interpreter's start-up files"),
    FindingCode("SEC040", _R.SECURITY, "error", "the process environment returned"),
    FindingCode("SEC041", _R.SECURITY, "error", "a delete of a path that comes from none of the function's inputs"),
    # -- ONEX
    FindingCode("ONEX001", _R.NAMING, "onex", "node class not named Node<Name><Type>"),
    FindingCode("ONEX002", _R.ONEX_COMPLIANCE, "onex", "node.py without exactly one node class"),
    FindingCode("ONEX003", _R.ONEX_COMPLIANCE, "onex", "raises something other than ModelOnexError with a code"),
    FindingCode(
        "ONEX004",
        _R.ERROR_HANDLING,
        "onex",
        "raise inside an except block without `from`",
        ruff=("B904",),
        fix="chain it: `raise ModelOnexError(...) from error` (and cause=error)",
    ),
    FindingCode(
        "ONEX005",
        _R.ERROR_HANDLING,
        "onex",
        "bare `except:` that does not re-raise (it also catches KeyboardInterrupt)",
        ruff=("E722",),
        fix="catch the exceptions you expect, or `except Exception as error:` and log or re-raise",
    ),
    # ruff's BLE001 would also flag a handler that logs with emit_log_event (ONEX's logging call), so not delegated
    FindingCode("ONEX006", _R.ERROR_HANDLING, "onex", "`except Exception` that neither logs nor re-raises"),
    FindingCode(
        "ONEX007",
        _R.ONEX_COMPLIANCE,
        "onex",
        "`print` instead of structured logging",
        ruff=("T201",),
        fix='use emit_log_event(EnumLogLevel.INFO, "message", {"key": value})',
    ),
    FindingCode("ONEX008", _R.NAMING, "onex", "model_*.py holding another class or several models"),
    FindingCode("ONEX009", _R.NAMING, "onex", "enum_*.py holding a class not named Enum*"),
    FindingCode("ONEX010", _R.ONEX_COMPLIANCE, "onex", "node __init__ not (self, container) calling super"),
    FindingCode("ONEX011", _R.ONEX_COMPLIANCE, "onex", "node class without its entry point"),
    FindingCode("ONEX012", _R.ONEX_COMPLIANCE, "error", "contract.yaml incomplete"),
    # -- checkers
    FindingCode(
        "CHK001",
        None,
        "error",
        "a checker could not run (missing, crashed, timed out), so the code was not checked for its rule",
    ),
    # -- docstring examples
    FindingCode("EXA001", _R.EXAMPLES, "error", "a docstring example fails"),
    FindingCode("EXA002", _R.EXAMPLES, "error", "the examples could not run to the end"),
    FindingCode("EXA003", _R.EXAMPLES, "warning", "the examples could not run for a reason outside the code"),
)

CODES: dict[str, FindingCode] = {entry.code: entry for entry in _CODES}
"""Every nodegen finding code."""

RUFF_CODES: dict[str, FindingCode] = {ruff: entry for entry in _CODES for ruff in entry.ruff}
"""The one table of delegated rules: ruff's code -> the nodegen code it is reported under."""

EXTERNAL: dict[str, ExternalFamily] = {
    family.tool: family
    for family in (
        ExternalFamily("F", "ruff", _R.IMPORTS),  # pyflakes, through ruff
        ExternalFamily("B", "bandit", _R.SECURITY),
        ExternalFamily("MYPY-", "mypy", _R.TYPE_HINTS),
    )
}
"""The tools whose findings are reported under their own codes, by tool."""


def declared(code: str) -> bool:
    """Whether ``code`` is nodegen's own or one of an external tool's families."""
    return code in CODES or any(code.startswith(family.prefix) for family in EXTERNAL.values())


def answer_finding(
    code: str, message: str, *, fix: str | None = None, line: int | None = None
) -> ModelValidationFinding:
    """A finding about a model's answer itself (ANS*, SIG001, SYN*), made before any check runs on it."""
    entry = CODES[code]
    return ModelValidationFinding(
        rule=entry.rule or _R.SYNTAX,
        code=code,
        severity=entry.severity_in(onex_file=False),
        message=message,
        line=line,
        suggested_fix=fix or entry.fix,
    )


__all__ = ["CODES", "EXTERNAL", "RUFF_CODES", "ExternalFamily", "FindingCode", "Severity", "answer_finding", "declared"]
