"""Our own cost per attempt on HumanEval stubs, with instant answers (everything but the model: the prompt, the
answer's parsing, validation, the docstring examples in the sandbox, the dry-run injection): one `nodegen fill` run
per problem file, answered at once with the canonical solution (one attempt), and again with a wrong body first (a
repair attempt: what one more attempt adds)."""

from __future__ import annotations

import asyncio
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from tests.support.humaneval import function_source

from benchmarks.clients import SequenceClient
from benchmarks.humaneval import Problem, problems
from nodegen.nodes.codegen_orchestrator.v1_0_0 import NodeCodegenOrchestrator
from nodegen.onex import ModelContainer
from nodegen.settings import load_settings

from .harness import Timing

PROBLEMS = 40
TARGET_MS = 150.0
WRONG = "```python\nreturn None\n```"


def _answer(problem: Problem) -> str:
    return f"```python\n{function_source(problem.original, problem.entry_point)}```"


async def _one(problem: Problem, answers: list[str], where: Path) -> tuple[float, int]:
    """Wall time of one fill run of the problem's stub file, and the attempts it made."""
    folder = where / problem.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    path = folder / f"{problem.name}.py"
    path.write_text(problem.stubbed, encoding="utf-8")
    settings = load_settings(folder, state_dir=str(where / ".nodegen"), llm_cache=False, generation_concurrency=1)
    node = NodeCodegenOrchestrator(
        ModelContainer.from_settings(settings, services={"llm_client": SequenceClient(answers)})
    )
    started = time.perf_counter()
    result = await node.execute_orchestration({"input_state": {"files": [str(path)], "dry_run": True}})
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, result.stubs[0].attempts if result.stubs else 0


async def _measure(selected: list[Problem]) -> tuple[list[float], list[float], int]:
    where = Path(tempfile.mkdtemp(prefix="nodegen-bench-overhead-"))
    try:
        await _one(selected[0], [_answer(selected[0])], where)  # warm-up: imports, ruff, the sandbox
        single, repair_added, refused = [], [], 0
        for problem in selected:
            one, _ = await _one(problem, [_answer(problem)], where)
            two, attempts = await _one(problem, [WRONG, _answer(problem)], where)
            single.append(one)
            if attempts == 2:
                refused += 1
                repair_added.append(two - one)
        return single, repair_added, refused
    finally:
        shutil.rmtree(where, ignore_errors=True)


def run() -> list[Timing]:
    selected = problems(PROBLEMS)
    single, added, refused = asyncio.run(_measure(selected))
    single.sort()
    timings = [
        Timing(
            f"overhead per attempt: HumanEval stub, one attempt, instant answer ({len(single)} problems)",
            statistics.median(single),
            single[max(0, round(0.95 * len(single)) - 1)],
            single[0],
            len(single),
            TARGET_MS,
            "a whole fill run of one stub (extract, prompt, parse, validate, examples, dry-run inject)",
        )
    ]
    if added:
        added.sort()
        timings.append(
            Timing(
                "overhead per attempt: a repair attempt added (wrong body first)",
                statistics.median(added),
                added[max(0, round(0.95 * len(added)) - 1)],
                added[0],
                len(added),
                TARGET_MS,
                f"`return None` refused on {refused} of {len(selected)} problems; the difference of the two runs",
            )
        )
    else:
        timings.append(
            Timing(
                "overhead per attempt: a repair attempt added (wrong body first)", 0.0, 0.0, 0.0, 0, TARGET_MS,
                f"`return None` was never refused (0 of {len(selected)}): no example check ran",
            )
        )
    return timings
