"""Run every benchmark and print one markdown table: `make bench` (or `python benchmarks/run.py`)."""

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
    bench_stub_extractor,
    bench_workflow,
    humaneval,
)
from benchmarks.harness import Timing, table

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


def _humaneval_table(llm: str | None, limit: int | None) -> str:
    rows = [
        "| answer shape | problems | filled | tests passed | changed outside the stub | seconds | first refusals |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    as_warnings = {"B307": "warning", "SEC001": "warning", "B324": "warning"}
    relaxed = humaneval.oracle(shapes=["bare body"], severity=as_warnings)
    for row in [*humaneval.oracle(), *relaxed]:
        refusals = "; ".join(str(f) for f in row["failures"])[:300]  # type: ignore[attr-defined]
        rows.append(
            f"| {row['shape']} | {row['problems']} | {row['filled']} | {row['tests_passed']} | "
            f"{row['changed_outside_stub']} | {row['seconds']} | {refusals} |"
        )
    text = "\n".join(rows) + (
        "\n\nThe refusals are nodegen's security rule at work: HumanEval/160's canonical solution calls `eval` "
        "(bandit B307, nodegen SEC001) and HumanEval/162's uses MD5 (B324); with those findings configured as warnings "
        "(`validation_severity`), the last row, every problem passes."
    )
    if llm:
        result = humaneval.model_run(llm, limit, 3)
        text += (
            f"\n\nModel run (`python -m benchmarks.humaneval --llm {llm}"
            + (f" --limit {limit}" if limit else "")
            + "`):\n\n| "
            + " | ".join(result)
            + " |\n|"
            + "---|" * len(result)
            + "\n| "
            + " | ".join(str(value) for value in result.values())
            + " |"
        )
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=[*sorted(SUITES), "humaneval"], action="append", help="run only these")
    parser.add_argument("--output", type=Path, help="also write the report (markdown) to this file")
    parser.add_argument("--humaneval-llm", help="also run HumanEval with this provider (e.g. local)")
    parser.add_argument("--humaneval-limit", type=int, help="only the first N HumanEval problems")
    args = parser.parse_args()
    chosen = args.only or [*sorted(SUITES), "humaneval"]
    timings = []
    for name in chosen:
        if name in SUITES:
            timings.extend(SUITES[name]())
    now = datetime.datetime.now(datetime.UTC)
    header = (
        f"# nodegen benchmarks\n\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()} on {platform.system()}; {now:%Y-%m-%d %H:%M} UTC; "
        f"command: `python {' '.join(sys.argv)}` (`make bench` runs it with `--output docs/benchmarks.md`)\n"
    )
    report = (
        header + "\n## Speed\n\n" + table(timings) + "\n\n## Against the guide's targets\n\n" + _guide_table(timings)
    )
    if "humaneval" in chosen:
        report += (
            "\n\n## Fidelity on real code: HumanEval (oracle answers through the whole pipeline)\n\n"
            + _humaneval_table(args.humaneval_llm, args.humaneval_limit)
        )
    report += "\n"
    print(report)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
