"""`nodegen new` without model latency: the spec stage (one sample, which its three implementations confirm,
answered at once by a loopback server), the checks, rendering, the fill (the proven implementation, no call),
`nodegen check` and the package's own tests in the sandbox; one package per run (target: under 5 s of our own
time)."""

from __future__ import annotations

import asyncio
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from tests.support.llm_server import ScriptedLLMServer
from tests.support.scaffold_answers import PROMPTS, scaffold_responder

from nodegen.llm import openai_client
from nodegen.nodes.codegen_orchestrator.v1_0_0 import NodeCodegenOrchestrator
from nodegen.onex.testing import create_test_container

from .harness import Timing


async def _run(repeat: int) -> list[float]:
    samples = []
    async with ScriptedLLMServer(scaffold_responder) as server:
        client = openai_client("gpt-4o-mini", base_url=server.openai_url, api_key="sk-bench")
        for _ in range(repeat + 1):
            where = Path(tempfile.mkdtemp(prefix="nodegen-bench-new-"))
            try:
                node = NodeCodegenOrchestrator(
                    create_test_container({"state_dir": str(where / ".nodegen")}, services={"llm_client": client})
                )
                started = time.perf_counter()
                result = await node.execute_orchestration(
                    {"input_state": {"prompt": PROMPTS["compute"], "output_directory": str(where / "out")}}
                )
                samples.append((time.perf_counter() - started) * 1000)
                assert result.success, result.scaffold
            finally:
                shutil.rmtree(where, ignore_errors=True)
    return samples[1:]  # the first run warms up imports, ruff and the HTTP pool


def run() -> list[Timing]:
    samples = sorted(asyncio.run(_run(5)))
    return [
        Timing(
            "new package: spec (a sample, 3 implementations) + render + fill + check + tests (answers at once)",
            statistics.median(samples),
            samples[-1],
            samples[0],
            len(samples),
            5000.0,
            "the sandboxed runs (implementations, examples, the package's pytest) are most of it",
        )
    ]
