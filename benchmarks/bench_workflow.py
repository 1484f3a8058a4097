"""The whole workflow (extract → generate ⇄ validate → inject → aggregate) against a loopback server with a fixed
latency, at concurrency 1, 4 and 16: wall time against the ideal (latency x waves). (1,000 stubs in 20 files, with its
peak memory: bench_scaling.py.)"""

from __future__ import annotations

import asyncio
import math
import shutil
import tempfile
import time
from pathlib import Path

from tests.support.llm_server import Reply, ScriptedLLMServer

from nodegen.llm import openai_client
from nodegen.nodes.codegen_orchestrator.v1_0_0 import NodeCodegenOrchestrator
from nodegen.onex.testing import create_test_container

from .harness import Timing

LATENCY_S = 0.1
STUBS = 32
FILES = 4


def stub_file(index: int, stubs: int) -> str:
    parts = ['"""Benchmark module."""\n\nfrom __future__ import annotations\n\n']
    for i in range(stubs):
        parts.append(
            f"\ndef scale_{index}_{i}(value: int) -> int:\n"
            f'    """Return value times {i + 2}."""\n'
            "    # IMPLEMENTATION REQUIRED\n"
            "    pass\n\n"
        )
    return "".join(parts)


async def _wall(concurrency: int) -> float:
    where = Path(tempfile.mkdtemp(prefix="nodegen-bench-wf-"))
    try:
        for index in range(FILES):
            (where / f"m{index}.py").write_text(stub_file(index, STUBS // FILES))

        def answer(received: object) -> Reply:
            return Reply(text="```python\nreturn value * 2 if value else 0\n```", delay_s=LATENCY_S)

        async with ScriptedLLMServer(answer) as server:
            client = openai_client("gpt-4o-mini", base_url=server.openai_url, api_key="sk-bench")
            node = NodeCodegenOrchestrator(
                create_test_container(
                    {"state_dir": str(where / ".nodegen"), "generation_concurrency": concurrency},
                    services={"llm_client": client},
                )
            )
            started = time.perf_counter()
            result = await node.execute_orchestration({"input_state": {"files": [str(where)]}})
            wall = time.perf_counter() - started
            assert len(result.stubs) == STUBS and result.success, [s.message for s in result.stubs][:3]
        return wall * 1000
    finally:
        shutil.rmtree(where, ignore_errors=True)


def run() -> list[Timing]:
    timings = []
    for concurrency in (1, 4, 16):
        wall = asyncio.run(_wall(concurrency))
        ideal = LATENCY_S * 1000 * math.ceil(STUBS / concurrency)
        timings.append(
            Timing(
                f"workflow: {STUBS} stubs, {FILES} files, {LATENCY_S * 1000:.0f} ms server, concurrency {concurrency}",
                wall,
                wall,
                wall,
                1,
                None,
                f"ideal {ideal:.0f} ms (latency x waves); wall / ideal {wall / ideal:.2f}",
            )
        )
    return timings
