"""`nodegen new` with a real model on five prompts (one per node type and one domain prompt): package written, stub
filled, `nodegen check` clean, the package's own tests pass, seconds."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.clients import ObservingClient
from benchmarks.humaneval_model import settings_for
from nodegen.nodes.codegen_orchestrator.v1_0_0 import NodeCodegenOrchestrator
from nodegen.nodes.codegen_orchestrator.v1_0_0.models import EnumStubStatus
from nodegen.onex import ModelContainer, ModelOnexError

PROMPTS = {
    "effect": "Generate a data processor effect node",
    "compute": "Generate a compute node that calculates statistics of a list of numbers",
    "reducer": "Generate a reducer node that aggregates order totals per customer",
    "orchestrator": "Generate an orchestrator node for a deployment workflow",
    "domain": "Generate an invoice fetcher effect node",
}


async def new_one(prompt: str, client: ObservingClient, llm: str, where: Path) -> dict[str, Any]:
    """One `nodegen new` run, in a fresh folder."""
    folder = Path(tempfile.mkdtemp(prefix="new-", dir=where))
    container = ModelContainer.from_settings(
        settings_for(folder, llm, state_dir=str(folder / ".nodegen")), services={"llm_client": client}
    )
    client.calls.clear()
    started = time.perf_counter()
    try:
        result = await NodeCodegenOrchestrator(container).execute_orchestration(
            {"input_state": {"prompt": prompt, "output_directory": str(folder / "out")}}
        )
    except ModelOnexError as error:
        return {"prompt": prompt, "error": error.message, "seconds": round(time.perf_counter() - started, 1)}
    seconds = time.perf_counter() - started
    scaffold = result.scaffold
    filled = result.count(EnumStubStatus.FILLED)
    return {
        "prompt": prompt,
        "node_type": scaffold.requirements.node_type.value if scaffold else None,
        "files_written": len(result.generated_files),
        "stubs": len(result.stubs),
        "stubs_filled": filled,
        "attempts": sum(stub.attempts for stub in result.stubs),
        "check_errors": len(scaffold.check_errors) if scaffold else None,
        "tests_passed": bool(scaffold and scaffold.tests and scaffold.tests.passed),
        "repaired": bool(scaffold and scaffold.repaired),
        "message": "; ".join(stub.message for stub in result.stubs)[:2000],  # the finding whole: call, expected, got
        "model_calls": len(client.calls),
        "completion_tokens": sum(call.output_tokens for call in client.calls),
        "seconds": round(seconds, 1),
    }


async def run(client: ObservingClient, llm: str, only: list[str] | None = None) -> list[dict[str, Any]]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="nodegen-bench-new-model-") as tmp:
        for kind, prompt in PROMPTS.items():
            if only and kind not in only:
                continue
            row = {"kind": kind, **await new_one(prompt, client, llm, Path(tmp))}
            print(f"[nodegen new] {kind}: {row}", flush=True)
            rows.append(row)
    return rows


def render(rows: list[dict[str, Any]], llm: str) -> str:
    lines = [
        f"Provider `{llm}`; each prompt scaffolds a package into a fresh folder, fills its stub, checks it and runs "
        "its tests (one repair from their output when they fail).",
        "",
        "| prompt | node type | files written | stub filled | attempts | check errors | tests pass | repaired | "
        "model calls | seconds |",
        "|---|---|---:|---|---:|---:|---|---|---:|---:|",
    ]
    for row in rows:
        if "error" in row:
            lines.append(f"| {row['prompt']} | error: {row['error'][:120]} | | | | | | | | {row['seconds']} |")
            continue
        lines.append(
            f"| {row['prompt']} | {row['node_type']} | {row['files_written']} | "
            f"{row['stubs_filled']}/{row['stubs']} | {row['attempts']} | {row['check_errors']} | "
            f"{'yes' if row['tests_passed'] else 'no'} | {'yes' if row['repaired'] else 'no'} | {row['model_calls']} | "
            f"{row['seconds']} |"
        )
    passed = sum(bool(row.get("tests_passed")) for row in rows)
    lines += ["", f"Packages whose tests pass: {passed} of {len(rows)}."]
    return "\n".join(lines)
