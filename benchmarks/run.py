"""Run the fast benchmarks (instant or scripted answers, no model) and print one markdown report: `make bench` (or
`python benchmarks/run.py`). The real-model sections (`python -m benchmarks.model`) already in the output page are
kept as they are."""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import (
    bench_code_generator,
    bench_code_injector,
    bench_code_validator,
    bench_metrics_reducer,
    bench_new_package,
    bench_overhead,
    bench_scaling,
    bench_startup,
    bench_stub_extractor,
    bench_workers,
    bench_workflow,
    humaneval,
)
from benchmarks.harness import Timing, table
from benchmarks.sections import sections

# The imports above (pydantic-ai, llama-index-workflows, ...) leave a large heap that every full collection would walk
# again; `nodegen`'s CLI freezes it the same way (see cli.main), so the figures are what a user's run sees.
gc.freeze()

SUITES = {
    "stub_extractor": bench_stub_extractor.run,
    "code_injector": bench_code_injector.run,
    "code_validator": bench_code_validator.run,
    "code_generator": bench_code_generator.run,
    "metrics_reducer": bench_metrics_reducer.run,
    "new_package": bench_new_package.run,
    "workflow": bench_workflow.run,
    "overhead": bench_overhead.run,
    "scaling": bench_scaling.run,
    "workers": bench_workers.run,  # issue 16: 1, 2, 4 `nodegen worker`s against a 300 ms model (about a minute)
    "startup": bench_startup.run,  # issue 27: --help, stubs and check as new processes
}
# The guide's targets (seed-guide.md), to show each figure as a ratio to them too: name prefix -> milliseconds.
GUIDE_TARGETS_MS = {
    "extract: 100-stub": 1000.0,  # "under 1 s for 100 methods"
    "extract: 10,000-line": 100.0,  # "under 100 ms typical"
    "validate: 300-line": 500.0,
    "inject: 10 stubs": 200.0,
    "reduce 100,000 events": 100_000.0,  # "over 1,000 events/s"
    "new package": 60_000.0,  # "whole workflow under 60 s"
}


def _guide_table(timings: list[Timing]) -> str:
    rows = ["| benchmark | median ms | guide target ms | median / guide target |", "|---|---:|---:|---:|"]
    for timing in timings:
        guide = next((ms for prefix, ms in GUIDE_TARGETS_MS.items() if timing.name.startswith(prefix)), None)
        if guide is not None:
            rows.append(f"| {timing.name} | {timing.median_ms:.2f} | {guide:g} | {timing.median_ms / guide:.4f} |")
    return "\n".join(rows)


# Issue 13's and 15's targets for the fast figures: name prefix -> (target, unit, what).
ISSUE_TARGETS = {
    "overhead per attempt: HumanEval stub, one attempt": (150.0, "ms", "median < 150 ms (issue 13)"),
    "overhead per attempt: a repair attempt added": (150.0, "ms", "median < 150 ms (issue 13)"),
    "fill: 1,000 stubs in one file": (30.0, "ms", "< 30 ms a stub and at most 1.5x the 10-stub figure (issue 15)"),
    "fill: 1,000 stubs in 20 files": (15_000.0, "ms", "< 15 s (issue 15)"),
    "nodegen stubs on a 20 MB file": (1024.0, "MB", "peak RSS < 1 GB (issue 15)"),
    "startup: nodegen --help": (500.0, "ms", "median < 0.5 s (issue 27)"),
    "startup: nodegen stubs": (500.0, "ms", "median < 0.5 s (issue 27)"),
    "startup: nodegen check": (500.0, "ms", "median < 0.5 s (issue 27)"),
}


def _targets_table(timings: list[Timing]) -> str:
    rows = ["| figure | value | target | verdict | note |", "|---|---:|---|---|---|"]
    by_name = {timing.name: timing for timing in timings}
    ten = next((t for name, t in by_name.items() if name.startswith("fill: 10 stubs in one file")), None)
    for prefix, (target, unit, what) in ISSUE_TARGETS.items():
        timing = next((t for name, t in by_name.items() if name.startswith(prefix)), None)
        if timing is None:
            continue
        met = timing.runs > 0 and timing.median_ms < target
        if prefix.startswith("fill: 1,000 stubs in one file") and ten is not None and timing.runs:
            met = met and timing.median_ms <= 1.5 * ten.median_ms
        if timing.runs:
            verdict = "met" if met else "NOT met"
        elif "OVER CAP" in timing.note:
            verdict = "NOT met (over the time cap)"
        elif "FAILED" in timing.note:
            verdict = "NOT met (failed)"
        else:
            verdict = "not measured"
        shown = f"{timing.median_ms:,.1f} {unit}" if timing.runs else f">= {timing.median_ms:,.1f} {unit}"
        if verdict == "not measured":
            shown = "-"
        rows.append(f"| {timing.name} | {shown} | {what} | {verdict} | {timing.note} |")
    return "\n".join(rows)


def _humaneval_table() -> str:
    rows = [
        "| answer shape | problems | filled | tests passed | changed outside the stub | seconds | first refusals |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    as_warnings = {"B307": "warning", "SEC001": "warning"}
    default = humaneval.oracle()
    relaxed = humaneval.oracle(shapes=["bare body"], severity=as_warnings)
    for row in [*default, *relaxed]:
        refusals = "; ".join(str(f) for f in row["failures"])[:300]  # type: ignore[attr-defined]
        rows.append(
            f"| {row['shape']} | {row['problems']} | {row['filled']} | {row['tests_passed']} | "
            f"{row['changed_outside_stub']} | {row['seconds']} | {refusals} |"
        )
    refused, still = (", ".join(row["refused"]) or "none" for row in (default[0], relaxed[0]))  # type: ignore[attr-defined]
    text = "\n".join(rows) + (
        f"\n\nRefused as a bare body with the default settings: {refused}. With bandit B307 and nodegen SEC001 "
        "(`eval`, which HumanEval/160's canonical solution calls) configured as warnings (`validation_severity`, the "
        f"last row): {still} (the problems whose docstring examples contradict their canonical solution are listed "
        "below). HumanEval/162's MD5 only warns: its stub asks for an md5 hash by name."
    )
    return text + "\n\n" + _contradictions_table()


def _contradictions_table() -> str:
    """The problems whose own docstring examples fail against their canonical solution (doctest, default flags)."""
    found = humaneval.contradicting_examples()
    rows = [
        "### HumanEval docstring examples that fail against the problem's own reference solution",
        "",
        "Each problem's docstring examples run by doctest on the original file (the canonical solution). A check that "
        "runs a stub's examples meets these: a contradiction is an example the reference solution itself fails (its "
        "stub cannot be filled with the reference body while that example is checked); `repr` is the same value "
        "written another way (other quotes, line breaks); `comparison` is `>>> f(x) == y` with no expected line "
        "(doctest wants no output; the comparison printed True).",
        "",
        "| problem | examples | failing example | expected | got | kind |",
        "|---|---:|---|---|---|---|",
    ]

    def cell(text: str) -> str:
        return "`" + text.replace("|", "\\|").replace("\n", " ")[:90] + "`" if text else "(nothing)"

    for problem in found:
        if problem["error"]:
            what = f"the docstring does not parse as doctest: {problem['error']}"
            rows.append(f"| {problem['task_id']} | 0 | {what} | | | |")
        for failure in problem["failures"]:  # type: ignore[attr-defined]
            rows.append(
                f"| {problem['task_id']} | {problem['examples']} | {cell(failure['call'])} | "
                f"{cell(failure['expected'])} | {cell(failure['got'])} | {failure['kind']} |"
            )
    kinds = [f["kind"] for p in found for f in p["failures"]]  # type: ignore[attr-defined]
    rows += [
        "",
        f"{len(found)} problems: {kinds.count('contradiction')} contradicting examples, "
        f"{kinds.count('repr')} repr-only, {kinds.count('comparison')} bare comparisons, "
        f"{sum(1 for p in found if p['error'])} docstrings doctest "
        "cannot parse.",
    ]
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=[*sorted(SUITES), "humaneval"], action="append", help="run only these")
    parser.add_argument("--output", type=Path, help="also write the report (markdown) to this file")
    args = parser.parse_args()
    chosen = args.only or [*sorted(SUITES), "humaneval"]
    timings = []
    for name in chosen:
        if name in SUITES:
            timings.extend(SUITES[name]())
    now = datetime.datetime.now(datetime.UTC)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    header = (
        f"# nodegen benchmarks\n\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()} on {platform.system()}; {now:%Y-%m-%d %H:%M} UTC; load average at the end "
        f"{load} (other jobs on the machine slow every figure: read the ratios); "
        f"command: `python {' '.join(sys.argv)}` (`make bench` runs it with `--output docs/benchmarks.md`). The "
        "real-model sections at the end come from `python -m benchmarks.model --llm local` (each with its own date "
        "and command).\n"
    )
    report = (
        header
        + "\n## Against the issues' targets (instant answers)\n\n"
        + _targets_table(timings)
        + "\n\n## Speed\n\n"
        + table(timings)
        + "\n\n## Against the guide's targets\n\n"
        + _guide_table(timings)
    )
    if "humaneval" in chosen:
        report += (
            "\n\n## Fidelity on real code: HumanEval (oracle answers through the whole pipeline)\n\n"
            + _humaneval_table()
        )
    report += "\n"
    kept = sections(args.output.read_text(encoding="utf-8")) if args.output and args.output.is_file() else {}
    if kept:
        report += "\n" + "\n".join(kept.values())
    print(report)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
