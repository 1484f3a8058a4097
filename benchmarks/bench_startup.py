"""Start-up time of the command line (issue 27): `nodegen --help`, `nodegen stubs FILE` and `nodegen check FILE` of a
one-stub file, each a new process as a user starts it (`python -m nodegen`, this checkout's code), median of 5 runs
after one untimed run, against the 0.5 s target; beside them the floor: a bare interpreter, a typer app's `--help`,
and the libraries every command but `--help` needs (typer, rich, pydantic, pydantic-settings, asyncio).

    python -m benchmarks.bench_startup                               # print the section
    python -m benchmarks.bench_startup --output docs/benchmarks.md   # and write it as the page's section "startup"
    python benchmarks/run.py --only startup                          # the same rows in the report's tables
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .harness import Timing
from .sections import write_section

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5
TARGET_MS = 500.0
STUB = (
    'def add(a: int, b: int) -> int:\n    """Return the sum of a and b."""\n    # IMPLEMENTATION REQUIRED\n    pass\n'
)
# name, arguments after `python`, the exit code that says the command did its work
COMMANDS = [
    ("startup: nodegen --help", ["-m", "nodegen", "--help"], 0),
    ("startup: nodegen stubs FILE (one stub)", ["-m", "nodegen", "stubs", "stub.py"], 1),
    ("startup: nodegen check FILE (one stub)", ["-m", "nodegen", "check", "stub.py"], 0),
]
_TYPER_APP = """
import typer
app = typer.Typer(add_completion=False)
@app.command()
def one(value: int = 1) -> None:
    "One."
@app.command()
def two(value: int = 1) -> None:
    "Two."
app()
"""
FLOOR = [
    ("floor: python -c pass", ["-c", "pass"], 0),
    ("floor: a typer app of two commands, --help", ["-c", _TYPER_APP, "--help"], 0),
    (
        "floor: import typer, rich, pydantic, pydantic_settings, asyncio",
        ["-c", "import typer, rich.console, pydantic, pydantic_settings, asyncio"],
        0,
    ),
]
_WATCHED = ("anthropic", "openai", "pydantic_ai", "llama_cpp", "httpx", "aiokafka", "asyncpg", "workflows", "libcst")


def _environment() -> dict[str, str]:
    """This checkout's ``src`` first on the path (an installed nodegen elsewhere is not what is measured)."""
    path = os.pathsep.join(part for part in (str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if part)
    return {**os.environ, "PYTHONPATH": path, "COLUMNS": "120"}


def _time(arguments: list[str], where: Path) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *arguments], cwd=where, env=_environment(), capture_output=True, timeout=120, check=False
    )
    return (time.perf_counter() - started) * 1000.0, done.returncode


def _imports(arguments: list[str], where: Path) -> str:
    """The packages whose own import time is largest in one run (``-X importtime``), and the watched heavy ones
    that were loaded."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *arguments],
        cwd=where,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    own: dict[str, int] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        self_us, _, name = line.removeprefix("import time:").split("|", 2)
        if self_us.strip().isdigit():
            top = name.strip().split(".")[0]
            own[top] = own.get(top, 0) + int(self_us)
    ranked = sorted(own.items(), key=lambda item: -item[1])[:6]
    heavy = [name for name in _WATCHED if name in own]
    return (
        "largest imports: "
        + ", ".join(f"{name} {us / 1000:.0f} ms" for name, us in ranked)
        + f"; of {', '.join(_WATCHED)}: {', '.join(heavy) or 'none'}"
    )


def _case(name: str, arguments: list[str], code: int, where: Path, *, target: bool) -> Timing:
    _time(arguments, where)  # once untimed: compiled files written, the page cache warm
    samples, codes = [], set()
    for _ in range(RUNS):
        milliseconds, returned = _time(arguments, where)
        samples.append(milliseconds)
        codes.add(returned)
    samples.sort()
    one, five, _ = os.getloadavg()
    note = f"load {one:.2f} (5 min {five:.2f})"
    if codes != {code}:
        note = f"FAILED: exit {sorted(codes)}, expected {code}; {note}"
    elif target:
        note = f"{_imports(arguments, where)}; {note}"
    return Timing(name, statistics.median(samples), samples[-1], samples[0], RUNS, TARGET_MS if target else None, note)


def run() -> list[Timing]:
    """Each command's start-up (target: median < 0.5 s), then the floor under them."""
    with tempfile.TemporaryDirectory(prefix="nodegen-bench-startup-") as folder:
        where = Path(folder)
        (where / "stub.py").write_text(STUB, encoding="utf-8")
        timings = [_case(name, arguments, code, where, target=True) for name, arguments, code in COMMANDS]
        timings += [_case(name, arguments, code, where, target=False) for name, arguments, code in FLOOR]
    return timings


def render(timings: list[Timing]) -> str:
    rows = [
        "## Start-up of the command line (issue 27)",
        "",
        "Each command a new process (`python -m nodegen ...` in a folder holding one one-stub file), median of "
        f"{RUNS} runs after one untimed run; target: median < {TARGET_MS / 1000:g} s. The floor rows are what any "
        "command pays before nodegen's own code: the interpreter, typer's `--help`, and the libraries the commands "
        "need (`--help` itself needs no pydantic).",
        "",
        "| command | median ms | min ms | max ms | target | verdict | note |",
        "|---|---:|---:|---:|---|---|---|",
    ]
    for timing in timings:
        if timing.target_ms is None:
            verdict, target = "", ""
        else:
            target = f"< {timing.target_ms:g} ms"
            verdict = (
                "FAILED"
                if timing.note.startswith("FAILED")
                else ("met" if timing.median_ms < timing.target_ms else "NOT met")
            )
        rows.append(
            f"| {timing.name} | {timing.median_ms:.0f} | {timing.min_ms:.0f} | {timing.p95_ms:.0f} | {target} | "
            f"{verdict} | {timing.note} |"
        )
    now = datetime.datetime.now(datetime.UTC)
    command = "python -m benchmarks.bench_startup " + " ".join(sys.argv[1:])
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()} on {platform.system()}"
    rows += ["", f"{machine}; {now:%Y-%m-%d %H:%M} UTC; command: `{command.strip()}`."]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, help="write the section into this page (docs/benchmarks.md)")
    args = parser.parse_args()
    text = render(run())
    print(text)
    if args.output:
        write_section(args.output, "startup", text)


if __name__ == "__main__":
    main()
