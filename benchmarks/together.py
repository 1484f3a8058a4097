"""Several answers to one prompt from the in-process model: asked one after another, and asked at once (decoded
together in one llama.cpp batch, ``nodegen.llm.local_batch``). The prompts are HumanEval problems asked as nodegen
asks for candidates (the problem's function as the answer's start, the body to write; the first answer greedy, the
others sampled at 0.8 with their own seeds). This measures the model's cost per answer, not the answers' quality.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from benchmarks.humaneval import problems
from nodegen.llm import EnumChatRole, LLMClient, ModelChatMessage, ModelCompletionRequest
from nodegen.pysource import FUNCTION_ENDS

PROBLEMS = 6
COUNTS = (2, 4)
SYSTEM = "You are an expert Python programmer. Complete the function the user gives."


def _request(prompt: str, name: str, index: int) -> ModelCompletionRequest:
    return ModelCompletionRequest(
        system=SYSTEM,
        messages=[ModelChatMessage(role=EnumChatRole.USER, content=f"Complete `{name}`:\n```python\n{prompt}```")],
        max_tokens=400,
        temperature=0.0 if index == 0 else 0.8,
        seed=index,
        answer_start=f"```python\n{prompt}",
        stop=list(FUNCTION_ENDS),
    )


async def run(client: LLMClient, llm: str) -> list[dict[str, Any]]:
    """Per problem and count: the seconds and tokens of that many answers asked one at a time and asked at once."""
    rows = []
    for problem in problems(PROBLEMS):
        warm = _request(problem.prompt, problem.entry_point, 0)
        await client.complete(warm)  # the prompt read once before either way is timed
        for count in COUNTS:
            asks = [_request(problem.prompt, problem.entry_point, index) for index in range(count)]
            started = time.perf_counter()
            alone = [await client.complete(ask) for ask in asks]
            alone_s = time.perf_counter() - started
            started = time.perf_counter()
            together = await asyncio.gather(*(client.complete(ask) for ask in asks))
            together_s = time.perf_counter() - started
            rows.append(
                {
                    "llm": llm,
                    "task_id": problem.task_id,
                    "count": count,
                    "alone_s": alone_s,
                    "alone_tokens": sum(answer.output_tokens for answer in alone),
                    "together_s": together_s,
                    "together_tokens": sum(answer.output_tokens for answer in together),
                    "greedy_alike": alone[0].text == together[0].text,
                }
            )
            print(f"[together] {problem.task_id} x{count}: {alone_s:.1f} s alone, {together_s:.1f} s together")
    return rows


def render(rows: list[dict[str, Any]], llm: str) -> str:
    """The section's table: per count, seconds and tokens per second both ways, and the ratio."""
    lines = [
        f"Provider `{llm}`; {PROBLEMS} HumanEval problems (the first), each asked for N answers: one call after "
        "another, then N calls at once (decoded together). Seconds are wall time of the N answers; the greedy "
        "answer is the first in both.",
        "",
        "| answers (N) | s alone (sum) | s together (sum) | tokens alone | tokens together | tokens/s alone | "
        "tokens/s together | time together / alone (median per problem) | greedy answer alike |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for count in COUNTS:
        group = [row for row in rows if row["count"] == count]
        if not group:
            continue
        alone_s = sum(row["alone_s"] for row in group)
        together_s = sum(row["together_s"] for row in group)
        alone_tokens = sum(row["alone_tokens"] for row in group)
        together_tokens = sum(row["together_tokens"] for row in group)
        ratio = statistics.median(row["together_s"] / row["alone_s"] for row in group)
        alike = sum(1 for row in group if row["greedy_alike"])
        lines.append(
            f"| {count} | {alone_s:.1f} | {together_s:.1f} | {alone_tokens} | {together_tokens} | "
            f"{alone_tokens / alone_s:.1f} | {together_tokens / together_s:.1f} | {ratio:.2f} | {alike}/{len(group)} |"
        )
    return "\n".join(lines)


__all__ = ["render", "run"]
