"""`nodegen new` with a real model on the twelve prompts of ``new_prompts.py``: the spec stage, the fill, the
package's own tests, and the prompt's acceptance test (``benchmarks/acceptance/``, written from the prompt alone),
run in the sandbox beside the package nodegen wrote. Each row is appended to a JSONL file as soon as it is known, so
``--resume`` goes on where a run stopped."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from benchmarks.clients import ObservingClient
from benchmarks.humaneval_model import settings_for
from benchmarks.new_prompts import NEW_PROMPTS, NewPrompt
from nodegen.infra.sandbox import ModelSandboxLimits, run_sandboxed
from nodegen.nodes.codegen_orchestrator.v1_0_0 import NodeCodegenOrchestrator
from nodegen.nodes.codegen_orchestrator.v1_0_0.models import EnumStubStatus
from nodegen.onex import ModelContainer, ModelOnexError

ACCEPTANCE = Path(__file__).with_name("acceptance")


async def acceptance(out: Path, item: NewPrompt) -> tuple[int, int]:
    """The prompt's acceptance tests against the package in ``out``, in the sandbox: (passed, total)."""
    with tempfile.TemporaryDirectory(prefix="nodegen-accept-") as scratch:
        work = Path(scratch)
        shutil.copytree(out / item.package, work / item.package, ignore=shutil.ignore_patterns("__pycache__"))
        for name in ("acceptance_support.py", item.test_file):
            shutil.copy(ACCEPTANCE / name, work / name)
        report = work / "junit.xml"
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--junitxml={report}",
            item.test_file,
        ]
        await run_sandboxed(command, work_dir=work, limits=ModelSandboxLimits(timeout_s=120.0))
        try:
            cases = list(ElementTree.parse(report).getroot().iter("testcase"))
        except (OSError, ElementTree.ParseError):
            return 0, 0
    failed = sum(1 for case in cases if case.find("failure") is not None or case.find("error") is not None)
    return len(cases) - failed, len(cases)


def _failed_at(result: Any, passed: int, total: int) -> str | None:
    scaffold = result.scaffold
    if scaffold is None or scaffold.spec is None:
        return "spec"
    if any(stub.status is not EnumStubStatus.FILLED for stub in result.stubs):
        return "fill"
    if scaffold.tests is None or not scaffold.tests.passed:
        return "package tests"
    if scaffold.check_errors:
        return "check"
    return None if total and passed == total else "acceptance"


async def new_one(
    item: NewPrompt, client: ObservingClient, llm: str, where: Path, calls: Path | None = None
) -> dict[str, Any]:
    """One `nodegen new` run in a fresh folder, then the acceptance test; with ``calls``, every model call of the run
    (what was asked last and the answer) is written to ``calls/KEY.jsonl``."""
    try:
        return await _new_one(item, client, llm, where)
    finally:
        if calls is not None:
            calls.mkdir(parents=True, exist_ok=True)
            lines = [json.dumps(call.as_json(asked=True)) + "\n" for call in client.calls]
            (calls / f"{item.key}.jsonl").write_text("".join(lines), encoding="utf-8")


async def _new_one(item: NewPrompt, client: ObservingClient, llm: str, where: Path) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="new-", dir=where))
    container = ModelContainer.from_settings(
        settings_for(folder, llm, state_dir=str(folder / ".nodegen")), services={"llm_client": client}
    )
    client.calls.clear()
    started = time.perf_counter()
    out = folder / "out"
    try:
        result = await NodeCodegenOrchestrator(container).execute_orchestration(
            {"input_state": {"prompt": item.prompt, "output_directory": str(out)}}
        )
    except ModelOnexError as error:
        return {
            "key": item.key,
            "kind": item.kind,
            "error": error.message,
            "seconds": round(time.perf_counter() - started, 1),
        }
    seconds = time.perf_counter() - started
    scaffold = result.scaffold
    stage = scaffold.spec_stage if scaffold else None
    passed, total = await acceptance(out, item) if (out / item.package).is_dir() else (0, 0)
    return {
        "key": item.key,
        "kind": item.kind,
        "exit_ok": result.success,
        "spec_valid": bool(scaffold and scaffold.spec),
        "spec_samples": stage.samples if stage else 0,
        "spec_seconds": round(stage.seconds, 1) if stage else None,
        "outputs_changed": len(stage.outputs_changed) if stage else 0,
        "stubs": len(result.stubs),
        "stubs_filled": result.count(EnumStubStatus.FILLED),
        "attempts": sum(stub.attempts for stub in result.stubs),
        "package_tests": bool(scaffold and scaffold.tests and scaffold.tests.passed),
        "acceptance_passed": passed,
        "acceptance_total": total,
        "failed_at": _failed_at(result, passed, total),
        "failures": (scaffold.failures if scaffold else [])[:5]
        + (stage.problems[:3] if stage else [])
        + (scaffold.check_errors[:3] if scaffold else []),
        "model_calls": len(client.calls),
        "prompt_tokens": sum(call.input_tokens for call in client.calls),
        "completion_tokens": sum(call.output_tokens for call in client.calls),
        "seconds": round(seconds, 1),
    }


def results_file(llm: str) -> Path:
    """Where a provider's rows go (each model its own file)."""
    slug = "".join(c if c.isalnum() else "-" for c in llm.lower()).strip("-")
    name = "new_model.jsonl" if llm == "local" else f"new_model-{slug}.jsonl"
    return Path(__file__).with_name("results") / name


async def run(
    client: ObservingClient,
    llm: str,
    *,
    resume: bool = False,
    keys: list[str] | None = None,
    calls: Path | None = None,
) -> list[dict[str, Any]]:
    """Every prompt (or ``keys``), appended to the results file; with ``resume`` the rows it holds are kept; with
    ``calls``, each prompt's model calls are kept there (``new_one``)."""
    path = results_file(llm)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = (
        [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if resume and path.exists() else []
    )
    if not resume:
        path.write_text("")
    done = {row["key"] for row in rows}
    with tempfile.TemporaryDirectory(prefix="nodegen-bench-new-model-") as tmp:
        for item in NEW_PROMPTS:
            if item.key in done or (keys and item.key not in keys):
                continue
            row = await new_one(item, client, llm, Path(tmp), calls)
            print(f"[nodegen new] {item.key}: {row}", flush=True)
            with path.open("a") as handle:
                handle.write(json.dumps(row) + "\n")
            rows.append(row)
    return rows


def render(rows: list[dict[str, Any]], llm: str) -> str:
    lines = [
        f"Provider `{llm}`; each prompt of `benchmarks/new_prompts.py` runs `nodegen new` in a fresh folder (spec, "
        "package, fill, package tests), then its acceptance test (`benchmarks/acceptance/`, written from the prompt "
        "alone) runs in the sandbox against the package, through the node's contract only.",
        "",
        "| prompt | kind | spec (samples, s) | outputs from code | filled | package tests | acceptance | failed at | "
        "calls | tokens in/out | seconds |",
        "|---|---|---|---:|---|---|---|---|---:|---:|---:|",
    ]
    for row in rows:
        if "error" in row:
            lines.append(
                f"| {row['key']} | {row['kind']} | error: {row['error'][:100]} | | | | | | | | {row['seconds']} |"
            )
            continue
        spec = f"{'ok' if row['spec_valid'] else 'none'} ({row['spec_samples']}, {row['spec_seconds']})"
        lines.append(
            f"| {row['key']} | {row['kind']} | {spec} | {row['outputs_changed']} | "
            f"{row['stubs_filled']}/{row['stubs']} | "
            f"{'pass' if row['package_tests'] else 'fail'} | {row['acceptance_passed']}/{row['acceptance_total']} | "
            f"{row['failed_at'] or '-'} | {row['model_calls']} | {row['prompt_tokens']}/{row['completion_tokens']} | "
            f"{row['seconds']} |"
        )
    passed = sum(1 for row in rows if row.get("failed_at") is None and "error" not in row)
    wrong = sum(1 for row in rows if row.get("exit_ok") and row.get("failed_at") is not None)
    lines += [
        "",
        f"Packages whose acceptance tests pass: **{passed} of {len(rows)}**. Runs that exited 0 with a failing "
        f"package or acceptance test: {wrong}.",
    ]
    return "\n".join(lines)
