"""Running the checks: syntax first (nothing else can read code that does not parse), then every selected rule,
the ruff subprocess overlapping the in-process checks; then only findings in the generated code count, severities
are overridden from configuration, and ``--select``/``--ignore`` codes apply."""

from __future__ import annotations

import ast
import asyncio
import copy
import functools
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from nodegen.onex import ModelOnexError
from nodegen.pysource import editor_line_count, split_lines
from nodegen.pysource.condense import LARGE_SOURCE_CHARS
from nodegen.pysource.text import LineIndex

from .assembly import Analysed, in_place, standalone
from .checks import (
    CheckContext,
    CheckerOptions,
    ExampleOptions,
    ExampleRun,
    RawFinding,
    check_examples,
    finding,
    is_onex_file,
)
from .checks.plugins import CHECKS
from .focus import Focus, LineMap, focus
from .models import (
    ONEX_RULES,
    EnumFindingSeverity,
    EnumValidationRule,
    ModelCodeValidationRequest,
    ModelCodeValidationResult,
    ModelValidationFinding,
)

_Stub = ast.FunctionDef | ast.AsyncFunctionDef
ALL_RULES = tuple(rule for rule in EnumValidationRule if rule is not EnumValidationRule.ALL)
_OFF = "off"


@dataclass(frozen=True, slots=True)
class ValidatorOptions:
    """Configuration of one validation."""

    strict_mode: bool = False
    enable_security_checks: bool = True
    checker: CheckerOptions = field(default_factory=CheckerOptions)
    examples: ExampleOptions = field(default_factory=ExampleOptions)
    severity: Mapping[str, str] = field(default_factory=dict)  # code, code prefix or rule -> error|warning|off
    select: Sequence[str] = ()
    ignore: Sequence[str] = ()


_T = TypeVar("_T")


def _rules(requested: Sequence[EnumValidationRule], options: ValidatorOptions) -> list[EnumValidationRule]:
    rules: list[EnumValidationRule] = (
        [*ALL_RULES] if EnumValidationRule.ALL in requested else [*dict.fromkeys(requested)]
    )
    if EnumValidationRule.SYNTAX not in rules:
        rules.insert(0, EnumValidationRule.SYNTAX)  # nothing can be checked in code that does not parse
    if not options.enable_security_checks and EnumValidationRule.SECURITY in rules:
        rules.remove(EnumValidationRule.SECURITY)
    return rules


def _severity(finding: RawFinding, options: ValidatorOptions) -> EnumFindingSeverity | None:
    """The configured severity: by exact code, then the longest matching code prefix, then the rule."""
    overrides = options.severity
    choice = overrides.get(finding.code)
    if choice is None:
        prefixes = [key for key in overrides if finding.code.startswith(key)]
        if prefixes:
            choice = overrides[max(prefixes, key=len)]
    if choice is None:
        choice = overrides.get(finding.rule.value)
    if choice is None:
        return finding.severity
    return None if choice == _OFF else EnumFindingSeverity(choice)


def _selected(code: str, options: ValidatorOptions) -> bool:
    if options.select and not any(code.startswith(prefix) for prefix in options.select):
        return False
    return not any(code.startswith(prefix) for prefix in options.ignore)


def _syntax(analysed: Analysed) -> tuple[ast.Module | None, RawFinding | None]:
    """Parse (SYN001: no tree), then compile (SYN002, with the tree: return/await/nonlocal where Python does not
    allow them)."""
    code, tree = "SYN001", None
    try:
        tree = ast.parse(analysed.text)
        code = "SYN002"
        compile(tree, "generated.py", "exec", dont_inherit=True)
    except SyntaxError as error:
        line = error.lineno
        return tree, finding(
            code,
            f"syntax error at line {(line or 0) - analysed.line_offset}, column {error.offset or 0}: {error.msg}",
            line=line,
            column=error.offset,
            fix="fix that line; the code must be valid Python where it stands",
        )
    except (ValueError, RecursionError, MemoryError) as error:
        return None, finding("SYN001", f"the code cannot be parsed: {error}")
    return tree, None


async def validate(request: ModelCodeValidationRequest, options: ValidatorOptions) -> ModelCodeValidationResult:
    """Check ``request.generated_code`` (in place when it has a target) under every selected rule."""
    started = time.perf_counter()
    rules = _rules(request.validation_rules, options)
    strict = options.strict_mode if request.strict_mode is None else request.strict_mode
    timings: dict[str, float] = {}
    finish = functools.partial(_result, request, options=options, timings=timings, started=started, strict=strict)
    if not request.generated_code.strip():
        empty = finding("SYN003", "the generated code is empty", fix="write the implementation")
        return finish(rules=rules, analysed=Analysed(text=""), ctx=None, raw=[empty])
    analysed, focused = _assemble(request)
    if analysed.problems:
        return finish(rules=rules, analysed=analysed, ctx=None, raw=analysed.problems, focused=focused)
    clock = time.perf_counter()
    tree, problem = _syntax(analysed)
    timings["syntax"] = (time.perf_counter() - clock) * 1000.0
    if tree is None or problem is not None:
        raw = [problem] if problem else []
        syntax = [EnumValidationRule.SYNTAX]
        return finish(rules=syntax, analysed=analysed, ctx=None, raw=raw, focused=focused, parsed=tree is not None)
    explicit_onex = EnumValidationRule.ALL not in request.validation_rules and bool(set(rules) & ONEX_RULES)
    onex_file = is_onex_file(request.file_path, tree) or (focused is not None and focused.focus.outline.onex_file)
    ctx = CheckContext(
        text=analysed.text,
        lines=split_lines(analysed.text),
        tree=tree,
        file_path=request.file_path,
        regions=analysed.regions,
        onex_file=onex_file,
        onex_rules_requested=explicit_onex,
        options=options.checker,
        contract=_sibling_contract(request),
    )
    findings, outputs = await _run_checks(ctx, rules, options, request, timings, analysed=analysed, focused=focused)
    return finish(rules=rules, analysed=analysed, ctx=ctx, raw=findings, focused=focused, outputs=outputs)


@dataclass(frozen=True, slots=True)
class _Focused:
    """Code assembled into the focused copy of its file (``focus.py``), and how its lines map to the file's."""

    focus: Focus
    lines: LineMap
    regions: list[tuple[int, int]]  # the new code's lines in the whole file

    def full_stub(self, stub: _Stub) -> _Stub:
        """The stub's node at the whole file's positions (its own lines are kept together, so one shift)."""
        moved = copy.deepcopy(stub)
        ast.increment_lineno(moved, self.lines.to_full(stub.lineno) - stub.lineno)
        return moved

    def full_context(self, ctx: CheckContext) -> CheckContext:
        """The whole file with the code in place, for the checks that run the module (its examples); they read its
        text and lines, and its tree stays the focused copy's. A large file's is its focused copy at the file's
        lines, the rest empty: importing all of a 20 MB module outlasts the examples' time limit (EXA002 on 15 of
        20 stubs of one), and what the code reaches by name is kept (a statement that binds nothing is not)."""
        whole = self.focus.outline.lines.text
        text = self.focus.full_text(ctx.text) if len(whole) <= LARGE_SOURCE_CHARS else self.focus.padded_text(ctx.text)
        return replace(ctx, text=text, lines=LineIndex(text), regions=self.regions)


def _assemble(request: ModelCodeValidationRequest) -> tuple[Analysed, _Focused | None]:
    """The code as it will stand: in the focused copy of a large file when that holds, else in the whole file."""
    code, target = request.generated_code, request.target
    if target is None:
        return standalone(code), None
    focused = focus(code, target)
    if focused is not None:
        try:
            analysed = in_place(code, focused.target)
        except ModelOnexError:
            analysed = None  # the whole file says why (with the same resolver, over every function)
        line_map = None if analysed is None else focused.line_map(analysed.text, analysed.regions)
        if analysed is not None and line_map is not None:
            regions = [(line_map.to_full(a), line_map.to_full(b)) for a, b in analysed.regions or []]
            return analysed, _Focused(focused, line_map, regions)
    return in_place(code, target), None


async def _run_checks(
    ctx: CheckContext,
    rules: list[EnumValidationRule],
    options: ValidatorOptions,
    request: ModelCodeValidationRequest,
    timings: dict[str, float],
    *,
    analysed: Analysed,
    focused: _Focused | None,
) -> tuple[list[RawFinding], list[str] | None]:
    """The findings of every selected check, and the probes' outputs when the examples' run gave them."""

    async def timed(name: str, work: Awaitable[_T]) -> _T:
        clock = time.perf_counter()
        try:
            return await work
        finally:
            timings[name] = (time.perf_counter() - clock) * 1000.0

    selected = [check for check in CHECKS if check.selected(rules, ctx)]
    background = [
        asyncio.create_task(timed(check.name, check.run_async(ctx, rules)))
        for check in selected
        if check.run_async is not None
    ]
    await asyncio.sleep(0)  # let the subprocesses start before the in-process checks take the loop
    findings: list[RawFinding] = []
    for check in selected:
        if check.run is not None:
            clock = time.perf_counter()
            findings.extend(check.run(ctx, rules))
            timings[check.name] = (time.perf_counter() - clock) * 1000.0
    for task in background:
        findings.extend(await task)
    if focused is not None:  # from here on, positions are the whole file's
        findings = [replace(f, line=focused.lines.to_full(f.line)) if f.line else f for f in findings]
    outcome = await timed(
        "examples",
        _run_examples(
            ctx, request, options=options, rules=rules, analysed=analysed, findings=findings, focused=focused
        ),
    )
    if outcome is None:
        timings.pop("examples", None)  # nothing ran
        return findings, None
    return [*findings, *outcome.findings], outcome.outputs


async def _run_examples(
    ctx: CheckContext,
    request: ModelCodeValidationRequest,
    *,
    options: ValidatorOptions,
    rules: list[EnumValidationRule],
    analysed: Analysed,
    findings: list[RawFinding],
    focused: _Focused | None,
) -> ExampleRun | None:
    """The stub's docstring examples and the target's probes, run in the module as it would be written (in a
    focused copy's whole file, at the file's positions), when there are any and the code may run at all."""
    stub, target = analysed.stub, request.target
    if not options.examples.run or EnumValidationRule.EXAMPLES not in rules or stub is None or target is None:
        return None
    if _security_errors(ctx, findings, focused):
        return None  # code the security rules refuse is never run, not even in the sandbox
    if focused is not None:
        if ">>>" not in (ast.get_docstring(stub) or "") and not target.probes:
            return None  # only doctest examples and probes need the whole module (they import it)
        ctx, stub = focused.full_context(ctx), focused.full_stub(stub)
    return await check_examples(ctx, stub, target.qualified_name, options.examples, target.probes)


def _security_errors(ctx: CheckContext, findings: list[RawFinding], focused: _Focused | None) -> bool:
    generated = ctx.in_generated if focused is None else _in(focused.regions)
    return any(
        f.rule is EnumValidationRule.SECURITY and f.severity is EnumFindingSeverity.ERROR and generated(f.line)
        for f in findings
    )


def _in(regions: list[tuple[int, int]]) -> Callable[[int | None], bool]:
    return lambda line: line is not None and any(start <= line <= end for start, end in regions)


def _sibling_contract(request: ModelCodeValidationRequest) -> Path | None:
    """A node.py checked as a whole file brings its contract.yaml along."""
    if request.target is not None or not request.file_path:
        return None
    path = Path(request.file_path)
    contract = path.with_name("contract.yaml")
    return contract if path.name == "node.py" and contract.is_file() else None


def _result(
    request: ModelCodeValidationRequest,
    *,
    options: ValidatorOptions,
    rules: list[EnumValidationRule],
    analysed: Analysed,
    ctx: CheckContext | None,
    raw: list[RawFinding],
    timings: dict[str, float],
    started: float,
    strict: bool,
    focused: _Focused | None = None,
    outputs: list[str] | None = None,
    parsed: bool = True,
) -> ModelCodeValidationResult:
    """The findings that count (in the new code) and those that stand elsewhere; in a focused copy, positions
    are mapped to the whole file's (``ctx`` findings arrive mapped), and findings elsewhere are not gathered
    (most of the file was not checked)."""
    lines = split_lines(analysed.text)
    file_lines = editor_line_count(lines)
    generated: Callable[[int | None], bool] = (lambda _: True) if ctx is None else ctx.in_generated
    if focused is not None:
        file_lines += focused.lines.extra_lines()
        if ctx is None:  # an answer problem: its position is still the focused copy's
            raw = [replace(f, line=focused.lines.to_full(f.line)) if f.line else f for f in raw]
        generated = _in(focused.regions) if ctx is not None else generated
    counted: list[ModelValidationFinding] = []
    preexisting: list[ModelValidationFinding] = []
    for item in raw:
        severity = _severity(item, options)
        if severity is None or not _selected(item.code, options):
            continue
        at = item.line if focused is None or item.line is None else focused.lines.to_marked(item.line)
        snippet = lines[at - 1].rstrip("\r\n") if at and 0 < at <= len(lines) else None
        line = item.line - analysed.line_offset if item.line is not None else None
        finding = ModelValidationFinding(
            rule=item.rule,
            code=item.code,
            severity=severity,
            message=item.message,
            line=line,
            column=item.column,
            snippet=snippet,
            suggested_fix=item.suggested_fix,
        )
        if item.line is None or generated(item.line):
            counted.append(finding)
        elif focused is None:
            preexisting.append(finding)
    order = sorted(counted, key=lambda f: (f.line or 0, f.column or 0, f.code))
    errors = [f for f in order if f.severity is EnumFindingSeverity.ERROR]
    warnings = [f for f in order if f.severity is EnumFindingSeverity.WARNING]
    return ModelCodeValidationResult(
        is_valid=not errors and not (strict and warnings),
        errors=errors,
        warnings=warnings,
        preexisting=sorted(preexisting, key=lambda f: (f.line or 0, f.code)),
        rules_checked=rules,
        syntax_valid=not any(f.rule is EnumValidationRule.SYNTAX for f in errors),
        parsed=parsed,
        onex_compliant=not any(f.rule in ONEX_RULES for f in errors),
        security_issues_found=sum(1 for f in order if f.rule is EnumValidationRule.SECURITY),
        validation_time_ms=(time.perf_counter() - started) * 1000.0,
        rule_timings_ms={name: round(ms, 3) for name, ms in timings.items()},
        file_lines=file_lines,
        file_path=request.file_path,
        probe_outputs=outputs,
    )


__all__ = ["ALL_RULES", "ValidatorOptions", "validate"]
