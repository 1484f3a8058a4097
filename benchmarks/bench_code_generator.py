"""Generation as users run it: the fill workflow (the orchestrator's steps: extraction, the generator's prompt and call,
validation in place, finishing each stub, a dry-run injection and the reducer) on one file of 20 stubs against a
loopback OpenAI-compatible server that answers in 200 ms, at concurrency 4 (wall time: bounded by latency, 5 waves x
200 ms = 1.0 s ideal), and our own overhead per stub measured with a server that answers at once, one stub at a
time."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from tests.support.llm_server import Reply, ScriptedLLMServer

from nodegen.llm import openai_client
from nodegen.nodes.codegen_orchestrator.v1_0_0 import NodeCodegenOrchestrator
from nodegen.nodes.codegen_orchestrator.v1_0_0.models import EnumStubStatus, ModelCodegenOrchestrationRequest
from nodegen.onex.testing import create_test_container

from .harness import Timing

STUBS = 20
LATENCY_S = 0.2


def twenty_stub_file() -> str:
    parts = ['"""Benchmark module."""\n\nfrom __future__ import annotations\n\n\nclass Inventory:\n']
    parts.append('    """Items and counts."""\n\n    def __init__(self) -> None:\n')
    parts.append("        self.items: dict[str, int] = {}\n\n")
    for i in range(STUBS):
        parts.append(
            f"    def count_{i}(self, name: str, extra: int = {i}) -> int:\n"
            f'        """How many of ``name`` there are, plus {i} and ``extra``."""\n'
            f"        # IMPLEMENTATION REQUIRED: look the item up\n"
            "        pass\n\n"
        )
    return "".join(parts)


ANSWER = "```python\ncount = self.items.get(name, 0)\nif count < 0:\n    count = 0\nreturn count + extra\n```"


async def _run(latency_s: float, concurrency: int, repeat: int) -> tuple[list[float], list[float]]:
    walls: list[float] = []
    overheads: list[float] = []
    async with ScriptedLLMServer(responder=lambda received: Reply(text=ANSWER, delay_s=latency_s)) as server:
        client = openai_client("gpt-4o-mini", base_url=server.openai_url, api_key="sk-bench")
        for _ in range(repeat + 1):
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "inventory.py"
                path.write_text(twenty_stub_file(), encoding="utf-8")
                config = {"generation_concurrency": concurrency, "state_dir": str(Path(folder) / ".nodegen")}
                node = NodeCodegenOrchestrator(create_test_container(config, services={"llm_client": client}))
                started = time.perf_counter()
                result = await node.run(ModelCodegenOrchestrationRequest(files=[str(path)], dry_run=True))
                wall = time.perf_counter() - started
            unfilled = [stub.message for stub in result.stubs if stub.status is not EnumStubStatus.FILLED]
            assert len(result.stubs) == STUBS and not unfilled, unfilled
            server_time = latency_s * STUBS
            overheads.append((wall - server_time) / STUBS * 1000 if concurrency == 1 else 0.0)
            walls.append(wall * 1000)
    return walls[1:], overheads[1:]  # the first run warms up imports, ruff and the HTTP pool


def run() -> list[Timing]:
    walls, _ = asyncio.run(_run(LATENCY_S, 4, repeat=5))
    _, overheads = asyncio.run(_run(0.0, 1, repeat=5))
    walls.sort()
    overheads.sort()
    ideal_ms = LATENCY_S * 1000 * -(-STUBS // 4)
    return [
        Timing(
            f"fill {STUBS} stubs through the workflow, 200 ms server, concurrency 4 (wall)",
            statistics.median(walls),
            walls[-1],
            walls[0],
            len(walls),
            1500.0,
            f"ideal {ideal_ms:.0f} ms (latency x waves); ratio to ideal {statistics.median(walls) / ideal_ms:.2f}",
        ),
        Timing(
            "fill overhead per stub (extract, prompt, HTTP, parse, validate, inject, reduce)",
            statistics.median(overheads),
            overheads[-1],
            overheads[0],
            len(overheads),
            30.0,
            "server answering at once, one stub at a time",
        ),
    ]
