"""ClassEval's dev half through `nodegen fill`: class methods, judged by the hidden unittest classes.

Each of the 50 classes of ``../shared/data/classeval-dev.json`` (read from there, never copied in) becomes one file:
the class's solution with every method ``methods_info`` lists turned into a marked stub (the skeleton's signature and
docstring, with its ``>>>`` examples; ``__init__``, the other methods and the imports as they are). ``nodegen fill``
fills it with the real model; then the record's ``test`` (never shown to the model or used in the loop) runs on the
file as written, in a child process in a folder of its own: a method passes when its own test class passes
(method-level pass@1), a class when every test class passes (class-level). One JSONL line per class, written as soon
as it is known, so ``--resume`` goes on where a run stopped.

    python -m benchmarks.classeval --llm local:1.5b                  # the 50 classes (hours on 2 cores)
    python -m benchmarks.classeval --llm local --candidates 1        # one candidate a stub
    python -m benchmarks.classeval --llm local --limit 5 --resume    # the first 5 classes, kept results skipped
    python -m benchmarks.classeval --report-only --llm local         # rebuild the section from the JSONL
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import datetime
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.clients import ObservingClient
from benchmarks.humaneval_model import ResultsFile, build_model, settings_for
from benchmarks.sections import write_section
from nodegen.llm import LLMClient
from nodegen.nodes.codegen_orchestrator.v1_0_0 import NodeCodegenOrchestrator
from nodegen.nodes.codegen_orchestrator.v1_0_0.models import EnumStubStatus
from nodegen.onex import ModelContainer

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "classeval-dev.json"
RESULTS_DIR = ROOT / "benchmarks" / "results"
MARK = "# IMPLEMENTATION REQUIRED"
TIME_LIMIT_S = 120.0
PUBLISHED = "GPT-4 method by method 29.0 / 58.9 (class / method), DeepSeek-Coder-6.7B 27.0 / 57.2"

_JUDGE = """
import io, json, resource, sys, unittest
resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))
job = json.loads(sys.stdin.read())
namespace = {"__name__": "classeval_judged"}
verdict = {"classes": {}, "error": None}
try:
    exec(compile(job["source"] + "\\n\\n" + job["test"], "judged.py", "exec"), namespace)
    for name in job["test_classes"]:
        suite = unittest.defaultTestLoader.loadTestsFromTestCase(namespace[name])
        result = unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)
        verdict["classes"][name] = result.wasSuccessful() and result.testsRun > 0
except BaseException as error:
    verdict["error"] = f"{type(error).__name__}: {error}"[:500]
sys.stdout.write("\\n@@verdict@@" + json.dumps(verdict))
"""


def records(data: Path = DATA) -> list[dict[str, Any]]:
    return list(json.loads(data.read_text(encoding="utf-8")))


def stubbed(record: dict[str, Any]) -> str:
    """The solution with every listed method replaced by its skeleton (signature and docstring) and the marker."""
    source: str = record["solution_code"]
    lines = source.splitlines(keepends=True)
    tree = ast.parse(source)
    owner = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == record["class_name"])
    methods = {n.name: n for n in owner.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    replaced: list[tuple[int, int, str]] = []
    for info in record["methods_info"]:
        node = methods[info["method_name"]]
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        indent = re.match(r"[ \t]*", lines[node.lineno - 1]).group(0)  # type: ignore[union-attr]
        description = info["method_description"].rstrip().lstrip()
        # the description's first line is unindented, the rest stand as in the class (its decorators included)
        decorators = "" if description.startswith("@") else "".join(lines[first - 1 : node.lineno - 1])
        described = description.splitlines()
        header = next(i for i, line in enumerate(described) if line.lstrip().startswith(("def ", "async def ")))
        after = next((line for line in described[header + 1 :] if line.strip()), indent + "        ")
        body_indent = after[: len(after) - len(after.lstrip())]  # the docstring's: the body must line up with it
        text = f"{decorators}{indent}{description}\n{body_indent}{MARK}\n{body_indent}pass\n"
        replaced.append((first, node.end_lineno or node.lineno, text))
    for first, last, text in sorted(replaced, reverse=True):
        lines[first - 1 : last] = [text]
    result = "".join(lines)
    ast.parse(result)  # a skeleton that does not fit is the benchmark's bug, not the model's
    return result


def judge(source: str, record: dict[str, Any]) -> dict[str, Any]:
    """The record's test classes on ``source``, in a child process in a fresh folder (its tests write files)."""
    names = [name.strip() for name in record["test_classes"]]  # one record writes a name with a leading space
    job = {"source": source, "test": record["test"], "test_classes": names}
    with tempfile.TemporaryDirectory(prefix="classeval-judge-") as folder:
        try:
            done = subprocess.run(
                [sys.executable, "-I", "-c", _JUDGE],
                input=json.dumps(job),
                capture_output=True,
                text=True,
                timeout=TIME_LIMIT_S,
                check=False,
                cwd=folder,
            )
        except subprocess.TimeoutExpired:
            return {"classes": {}, "error": f"time limit: no verdict after {TIME_LIMIT_S:g} s"}
    marker = done.stdout.rfind("@@verdict@@")
    if marker < 0:
        return {"classes": {}, "error": f"the judge died (exit {done.returncode}): {done.stderr[-300:]}"}
    verdict: dict[str, Any] = json.loads(done.stdout[marker + len("@@verdict@@") :])
    return verdict


async def fill_one(
    record: dict[str, Any], client: ObservingClient, where: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """``nodegen fill`` on the class's stub file, then its hidden tests on the file as written."""
    folder = where / "classeval" / record["task_id"]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{record['class_name'].lower()}.py"
    path.write_text(stubbed(record), encoding="utf-8")
    overrides: dict[str, Any] = {"state_dir": str(where / ".nodegen"), "max_attempts": args.max_attempts}
    if args.candidates is not None:
        overrides["generation_candidates"] = args.candidates
    container = ModelContainer.from_settings(
        settings_for(folder, args.llm, **overrides), services={"llm_client": client}
    )
    client.calls.clear()
    started = time.perf_counter()
    result = await NodeCodegenOrchestrator(container).execute_orchestration({"input_state": {"files": [str(path)]}})
    seconds = time.perf_counter() - started
    verdict = judge(path.read_text(encoding="utf-8"), record)
    passed: dict[str, bool] = verdict["classes"]
    reference: dict[str, bool] = judge(record["solution_code"], record)["classes"]  # what can pass on this machine
    stubs = {stub.qualified_name.rpartition(".")[2]: stub for stub in result.stubs}
    methods = []
    for info in record["methods_info"]:
        stub = stubs.get(info["method_name"])
        filled = stub is not None and stub.status is EnumStubStatus.FILLED
        methods.append(
            {
                "method": info["method_name"],
                "filled": filled,
                "passed": bool(passed.get(info["test_class"].strip())),
                "judgeable": bool(reference.get(info["test_class"].strip())),
                "attempts": stub.attempts if stub is not None else 0,
                "message": stub.message if stub is not None else "not found as a stub",
                "selection": stub.selection.model_dump() if stub is not None and stub.selection else None,
                "completion_tokens": stub.completion_tokens if stub is not None else 0,
                "seconds": round((stub.duration_ms if stub is not None else 0.0) / 1000, 2),
            }
        )
    return {
        "phase": "nodegen",
        "task_id": record["task_id"],
        "class_name": record["class_name"],
        "methods": methods,
        "class_passed": bool(passed) and all(passed.values()) and verdict["error"] is None,
        "class_judgeable": bool(reference) and all(reference.values()),
        "judge_error": verdict["error"],
        "seconds": round(seconds, 2),
        "prompt_tokens": result.prompt_tokens,
        "completion_tokens": result.completion_tokens,
        "calls": len(client.calls),
    }


def render(header: dict[str, Any] | None, rows: list[dict[str, Any]]) -> str:
    """The section: method- and class-level pass@1, filled wrong, unfilled, tokens and seconds."""
    if header is None or not rows:
        return "No ClassEval results yet."
    every = [m for row in rows for m in row["methods"]]
    lines = [
        f"Provider `{header['llm']}` ({header['model']}), candidates {header['candidates']}, "
        f"max attempts {header['max_attempts'] or 'nodegen default'}; {header['machine']}; started "
        f"{header['started']}; command: `{header['command']}`.",
        "",
        "| methods judged | classes | methods | method pass@1 | class pass@1 | filled | filled wrong (share of filled) "
        "| unfilled | completion tokens / method | s / class (mean) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        _row("all", rows, every),
        _row(
            "those whose reference solution passes here",
            [row for row in rows if row["class_judgeable"]],
            [m for m in every if m["judgeable"]],
        ),
    ]
    chosen = [m["selection"] for m in every if m["filled"] and m["selection"]]
    outvoted = sum(1 for s in chosen if len(s["group_sizes"]) > 1)
    unjudgeable = sorted(row["task_id"] for row in rows if not row["class_judgeable"])
    lines += [
        "",
        f"Chosen among several passing candidates: {len(chosen)} methods, {outvoted} of them where candidates "
        f"disagreed. Reference solutions that fail here (a library missing or changed, a test that needs a non-root "
        f"user): {', '.join(unjudgeable) or 'none'}. Published greedy pass@1 for the whole 100-class benchmark: "
        f"{PUBLISHED}.",
    ]
    return "\n".join(lines)


def _row(label: str, rows: list[dict[str, Any]], methods: list[dict[str, Any]]) -> str:
    filled = [m for m in methods if m["filled"]]
    passed = sum(m["passed"] for m in methods)
    wrong = sum(1 for m in filled if not m["passed"])
    classes = sum(row["class_passed"] for row in rows)
    tokens = sum(m["completion_tokens"] for m in methods)
    seconds = [row["seconds"] for row in rows] or [0.0]
    return (
        f"| {label} | {len(rows)} | {len(methods)} | {passed} ({100 * passed / max(1, len(methods)):.1f} %) | "
        f"{classes} ({100 * classes / max(1, len(rows)):.1f} %) | {len(filled)} | {wrong} "
        f"({100 * wrong / max(1, len(filled)):.1f} %) | {len(methods) - len(filled)} | "
        f"{tokens / max(1, len(methods)):.0f} | {sum(seconds) / len(seconds):.0f} |"
    )


def _results(llm: str, candidates: int | None) -> Path:
    slug = re.sub(r"[^a-z0-9]+", "-", llm.lower()).strip("-")
    return RESULTS_DIR / f"classeval-{slug}{'' if candidates is None else f'-n{candidates}'}.jsonl"


async def _run(args: argparse.Namespace) -> None:
    results = ResultsFile(_results(args.llm, args.candidates))
    if not args.report_only:
        selected = records(args.data)[args.offset :]
        selected = selected[: args.limit] if args.limit else selected
        with tempfile.TemporaryDirectory(prefix="nodegen-classeval-") as tmp:
            where = Path(tmp)
            model: LLMClient = build_model(args.llm, where)
            header = {
                "phase": "run",
                "llm": args.llm,
                "model": str(model.identity),
                "max_attempts": args.max_attempts,
                "candidates": args.candidates or settings_for(where, args.llm).generation_candidates,
                "machine": f"{sys.platform}, Python {sys.version.split()[0]}",
                "started": f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
                "command": "python -m benchmarks.classeval " + " ".join(sys.argv[1:]),
            }
            done = {key.rpartition(":")[2] for key in results.start(header, resume=args.resume)}
            client = ObservingClient(model)
            try:
                for index, record in enumerate(selected, 1):
                    if record["task_id"] in done:
                        continue
                    row = await fill_one(record, client, where, args)
                    results.append(row)
                    ok = sum(m["passed"] for m in row["methods"])
                    print(
                        f"[{index}/{len(selected)}] {row['task_id']} {row['class_name']}: "
                        f"{sum(m['filled'] for m in row['methods'])}/{len(row['methods'])} filled, {ok} pass, "
                        f"class {'passes' if row['class_passed'] else 'fails'}, {row['seconds']:.0f} s",
                        flush=True,
                    )
            finally:
                await model.aclose()
    stored, rows = results.read()
    suffix = "" if args.candidates is None else f"-n{args.candidates}"
    name = f"classeval-{re.sub(r'[^a-z0-9]+', '-', args.llm.lower()).strip('-')}{suffix}"
    title = f"ClassEval dev half (50 classes) through nodegen (`{args.llm}`" + (
        f", {args.candidates} candidates)" if args.candidates is not None else ")"
    )
    write_section(args.output, name, f"## {title}\n\n{render(stored, rows)}")
    print(f"written: {args.output}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--llm", default="local", help="provider string, as nodegen's --llm (default: local)")
    parser.add_argument("--candidates", type=int, help="candidates per stub (default: nodegen's)")
    parser.add_argument("--max-attempts", type=int, help="attempts per stub (default: nodegen's)")
    parser.add_argument("--limit", type=int, help="only N classes")
    parser.add_argument("--offset", type=int, default=0, help="skip the first K classes")
    parser.add_argument("--resume", action="store_true", help="keep the results file, skip the classes it holds")
    parser.add_argument("--report-only", action="store_true", help="rebuild the section, run no model")
    parser.add_argument("--data", type=Path, default=DATA, help=f"the classes (default {DATA})")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md", help="the page to write")
    asyncio.run(_run(parser.parse_args()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
