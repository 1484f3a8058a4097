"""A stub's docstring examples are the user's spec: each candidate must pass them, in the module as it would be
written, in the sandbox (``nodegen.infra.sandbox``), never in nodegen's own process.

The examples are read (``example_reader``: doctest's ``>>>`` examples, calls written with an arrow such as
``f(2) -> 4``, and examples that name the arguments such as ``For n = 2 the output should be 4``) from the ORIGINAL
stub's docstring (an answer may rewrite its docstring; nodegen never invents or rewrites an example), and only the
target's own examples run. No examples: nothing runs. ``EXA001`` is a failing example (the call, what it expected,
what it got or raised), ``EXA002`` a run that hung, flooded its output or died, ``EXA003`` (a warning) examples that
could not be run for a reason outside the new code (the module does not import in the sandbox even before it, or
its docstring's examples do not parse).

``probes`` (calls derived from the stub, ``nodegen.pysource.probes``) run in the same sandbox after the examples
have passed or failed: what each printed or raised comes back as ``ExampleRun.outputs``, never as a finding (the
generator compares candidates by them); a probe that hangs or kills the run cuts the outputs short, not the verdict.
"""

from __future__ import annotations

import ast
import json
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from nodegen.infra.sandbox import AUTO, ModelSandboxLimits, ModelSandboxResult, run_sandboxed
from nodegen.onex import EnumLogLevel, emit_log_event

from .base import CheckContext, RawFinding
from .example_reader import DocExample, parameter_names, read_examples
from .registry import finding

_RUNNER = Path(__file__).with_name("example_runner.py")
_MOST_FINDINGS = 5
_SETUP_SHOWN = 3
_FIX = "make the code give exactly what the docstring's example shows; the examples are the specification"
_reported_fallback = False


@dataclass(frozen=True, slots=True)
class ExampleOptions:
    """Whether to run a stub's examples, and the sandbox's limits."""

    run: bool = True
    limits: ModelSandboxLimits = field(default_factory=lambda: ModelSandboxLimits(timeout_s=5.0))
    bwrap: str | None = AUTO


@dataclass(frozen=True, slots=True)
class ExampleRun:
    """The examples' findings, and the probes' outputs (None when no probe was asked for or the run failed before
    them; a run cut short during the probes marks the rest as not run)."""

    findings: list[RawFinding]
    outputs: list[str] | None = None


_PROBES_CUT = "not run: the probes' run stopped"


def _docstring(stub: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, int] | None:
    first = stub.body[0] if stub.body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return first.value.value, first.lineno
    return None


def stub_examples(
    stub: ast.FunctionDef | ast.AsyncFunctionDef, qualified_name: str
) -> tuple[str, int, list[DocExample]] | None:
    """The stub's raw docstring, its line and its examples (``example_reader``); None when it has none.
    ``ValueError`` when its doctest examples do not parse."""
    found = _docstring(stub)
    if found is None:
        return None
    function = None if "." in qualified_name else stub.name  # a method's arrow examples need an object
    examples = read_examples(found[0], function, parameter_names(stub))
    return (found[0], found[1], examples) if examples else None


def _module_identity(file_path: str | None) -> tuple[str, Path | None, bool]:
    """The module's import name, the folder to import it from, and whether it is a package's ``__init__``."""
    if not file_path:
        return "nodegen_candidate", None, False
    path = Path(os.path.realpath(file_path))
    folder = path.parent
    if not folder.is_dir():
        return "nodegen_candidate", None, False
    parts = [] if path.stem == "__init__" else [path.stem]
    root = folder
    while (root / "__init__.py").is_file() and root.name.isidentifier() and root != root.parent:
        parts.insert(0, root.name)
        root = root.parent
    if not parts or not all(part.isidentifier() for part in parts):
        return "nodegen_candidate", folder, False
    return ".".join(parts), root, path.stem == "__init__"


def _finding(code: str, message: str) -> RawFinding:
    return finding(code, message, fix=_FIX)


def _call(source: str) -> str:
    return " / ".join(line.strip() for line in source.strip().splitlines())


def _is_comparison(source: str) -> bool:
    """An example that is one comparison (``f(3) == 4``): written with no output, it must hold."""
    try:
        body = ast.parse(source.strip()).body
    except SyntaxError:
        return False
    return len(body) == 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Compare)


def _example_findings(
    events: list[dict[str, Any]], examples: list[DocExample], ctx: CheckContext, line: int
) -> list[RawFinding]:
    findings: list[RawFinding] = []
    # an example that fails before the stub is first called fails for its own setup (when the stub was watched)
    watched = any(e.get("event") == "watched" for e in events)
    first_call = next((i for i, e in enumerate(events) if e.get("event") == "called"), len(events)) if watched else 0
    broken = [e for e in events[:first_call] if e.get("event") in ("failure", "exception")]
    failing = [e for e in events[first_call:] if e.get("event") in ("failure", "exception")]
    # a name the examples use as an instance and never bind, bound by the runner (``example_runner._instances``)
    made = "".join(f", with `{e['name']} = {e['made']}`" for e in events if e.get("event") == "instance")
    if broken:
        first = broken[0]
        what = first.get("error") or f"gave `{str(first.get('got', '')).rstrip() or 'no output'}`"
        message = (
            f"{len(broken)} docstring example(s) fail before the stub is first called, whatever its code (the first, "
            f"at line {line + int(first['lineno'])}: `{_call(first['source'])}` {what}), so they say nothing of it"
        )
        findings.append(_finding("EXA003", message))
    for event in failing[:_MOST_FINDINGS]:
        index = int(event["index"])
        before = [example for example in examples[:index] if not example.equal]  # arrow examples stand alone
        setup = [] if examples[index].equal else [_call(example.source) for example in before[-_SETUP_SHOWN:]]
        after = f"after `{'`, `'.join(setup)}`, " if setup else ""
        where = f"the docstring example at line {line + int(event['lineno'])}{made}"
        want = event["want"].rstrip("\n") or "no output"
        if event["event"] == "failure":
            got = event["got"].rstrip("\n") or "no output"
            text = f"{where}: {after}`{_call(event['source'])}` expected `{want}` but got `{got}`"
            if want == "no output" and got == "False":  # a comparison written as an example: it must hold
                text = f"{where}: {after}`{_call(event['source'])}` does not hold (it is False)"
        else:
            lines = [n for n in event.get("lines", []) if ctx.in_generated(n)]
            at = ""
            if lines and lines[-1] <= len(ctx.lines):
                at = f" at line {lines[-1]} (`{ctx.lines[lines[-1] - 1].strip()}`)"
            holds = want == "no output" and _is_comparison(event["source"])
            expected = "should hold" if holds else f"expected `{want}`"
            text = f"{where}: {after}`{_call(event['source'])}` {expected} but raised {event['error']}{at}"
        findings.append(_finding("EXA001", text))
    if len(failing) > _MOST_FINDINGS:
        findings.append(_finding("EXA001", f"{len(failing) - _MOST_FINDINGS} more docstring examples fail"))
    return findings


def _abnormal(result: ModelSandboxResult, events: list[dict[str, Any]]) -> RawFinding:
    started = [e for e in events if e.get("event") == "start"]
    during = f" during the example `{_call(started[-1]['source'])}`" if started else " while importing the module"
    if result.timed_out:
        what = "did not finish in time (an endless loop, or far too slow)"
    elif result.output_truncated:
        what = "flooded its output"
    else:
        tail = " | ".join(result.stderr.strip().splitlines()[-3:])
        what = f"stopped the process (exit code {result.exit_code}{': ' + tail if tail else ''})"
    note = f" ({result.note})" if result.note else ""
    return _finding("EXA002", f"running the docstring examples{during}: the code {what}{note}")


def _warn_fallback_once(result: ModelSandboxResult) -> None:
    global _reported_fallback  # noqa: PLW0603 - one warning per process, not one per attempt
    if not result.sandboxed and not _reported_fallback:
        _reported_fallback = True
        what = "not run: there is no sandbox" if result.refused else "run without a sandbox"
        emit_log_event(EnumLogLevel.WARNING, f"docstring examples {what}", {"note": result.note})


async def check_examples(
    ctx: CheckContext,
    stub: ast.FunctionDef | ast.AsyncFunctionDef,
    qualified_name: str,
    options: ExampleOptions,
    probes: Sequence[str] = (),
) -> ExampleRun:
    """Run the original stub's examples, then ``probes``, against ``ctx.text`` (the module with the candidate in
    place)."""
    try:
        found = stub_examples(stub, qualified_name)
    except ValueError as error:
        message = f"the docstring's examples of `{qualified_name}` do not parse ({error}), so none were run"
        return ExampleRun([_finding("EXA003", message)])
    if found is None and not probes:
        return ExampleRun([])
    docstring, line, examples = found or ("", stub.lineno, [])
    name, root, package = _module_identity(ctx.file_path)
    work = Path(tempfile.mkdtemp(prefix="nodegen-examples-"))
    token = secrets.token_hex(16)  # on every line of the runner's report: code cannot forge one without it
    try:
        module_file = work / (f"{name.rpartition('.')[2]}.py" if not package else "__init__.py")
        module_file.write_text(ctx.text, encoding="utf-8")
        original = Path(os.path.realpath(ctx.file_path)).parent if ctx.file_path else None
        spec = {
            "module_name": name,
            "module_file": str(module_file),
            "package": [str(original)] if package and original else None,
            "sys_path": [*([str(root)] if root else []), *_interpreter_path()],
            "docstring": docstring,
            "examples": [asdict(example) for example in examples],
            "name": qualified_name,
            "lineno": line - 1,
            "token": token,
            "probes": list(probes),
        }
        (work / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
        result = await run_sandboxed(
            [sys.executable, "-I", "-S", str(_RUNNER), str(work / "spec.json")],
            work_dir=work,
            limits=options.limits,
            read_only=[p for p in (root, original) if p is not None],
            bwrap=options.bwrap,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _warn_fallback_once(result)
    if result.refused:
        message = f"the docstring examples of `{qualified_name}` were not run ({result.note})"
        return ExampleRun([_finding("EXA003", message)])
    return _read_report(result, examples, ctx, line, token, probes=len(probes))


def _interpreter_path() -> Sequence[str]:
    return [entry for entry in sys.path if entry and Path(entry).exists()]


def _read_report(
    result: ModelSandboxResult, examples: list[DocExample], ctx: CheckContext, line: int, token: str, *, probes: int
) -> ExampleRun:
    events: list[dict[str, Any]] = []
    for text in result.stdout.splitlines():
        try:
            event = json.loads(text)
        except ValueError:
            event = None
        if not isinstance(event, dict) or event.get("token") != token:
            message = (
                "the code wrote into the examples' report (a line the runner did not write: "
                f"{text[:120]!r}), so what the run says cannot be trusted"
            )
            return ExampleRun([_finding("EXA002", message)])
        events.append(event)
    failed_import = next((e for e in events if e.get("event") == "import_failed"), None)
    if failed_import is not None:
        if any(ctx.in_generated(n) for n in failed_import.get("lines", [])):
            message = f"the module does not import with the new code: {failed_import['error']}"
            return ExampleRun([_finding("EXA001", message)])
        message = (
            f"the docstring examples were not run: the module does not import in the sandbox "
            f"({failed_import['error']}), for a reason outside the new code"
        )
        return ExampleRun([_finding("EXA003", message)])
    done = next((i for i, e in enumerate(events) if e.get("event") == "done"), None)
    if done is None or not (result.ok or probes):  # a run cut during the probes still judged its examples
        return ExampleRun([_abnormal(result, events)])
    findings = _example_findings(events[:done], examples, ctx, line) if examples else []
    if not probes:
        return ExampleRun(findings)
    outputs = [str(e.get("got", "")) for e in events[done:] if e.get("event") == "output"][:probes]
    return ExampleRun(findings, outputs + [_PROBES_CUT] * (probes - len(outputs)))


__all__ = ["ExampleOptions", "ExampleRun", "check_examples", "stub_examples"]
