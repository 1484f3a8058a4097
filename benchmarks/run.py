"""Run every benchmark and print one markdown table: `make bench` (or `python benchmarks/run.py`)."""

from __future__ import annotations

import argparse
import datetime
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
)
from benchmarks.harness import table

SUITES = {
    "stub_extractor": bench_stub_extractor.run,
    "code_injector": bench_code_injector.run,
    "code_validator": bench_code_validator.run,
    "code_generator": bench_code_generator.run,
    "metrics_reducer": bench_metrics_reducer.run,
    "new_package": bench_new_package.run,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=sorted(SUITES), action="append", help="run only these suites")
    parser.add_argument("--output", type=Path, help="also write the report (markdown) to this file")
    args = parser.parse_args()
    timings = []
    for name in args.only or sorted(SUITES):
        timings.extend(SUITES[name]())
    header = (
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()} on "
        f"{platform.system()}; {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; "
        f"command: make bench\n"
    )
    report = header + "\n" + table(timings) + "\n"
    print(report)
    if args.output:
        args.output.write_text(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
