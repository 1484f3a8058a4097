"""What a retry should send a small model (issue 13): for every HumanEval problem whose model-alone answer (greedy,
from the results JSONL) fails its own docstring examples, up to K more tries in each style, stopping at the first
answer whose examples pass; then that answer's hidden tests. Styles: ``fresh`` (the first prompt again, sampled),
``hint`` (the first prompt with the last findings added), ``repair`` (the conversation: the failed answer and its
findings). Same temperature for all, seed 1000 + try. One JSON line per problem and style; a rerun continues.

    python -m benchmarks.retry_styles --tries 4 --temperature 0.7 --styles fresh,hint,repair
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path
from typing import Any

from benchmarks.checks import ExampleVerdict, docstring_examples, hidden_tests
from benchmarks.humaneval import Problem, problems
from benchmarks.humaneval_model import ALONE_INSTRUCTION, ALONE_SYSTEM, alone_source, build_model
from benchmarks.model import RESULTS
from nodegen.llm import EnumChatRole, LLMClient, ModelChatMessage, ModelCompletionRequest


def _judge(problem: Problem, answer: str) -> ExampleVerdict:
    return docstring_examples(
        problem.name, alone_source(problem, answer), problem.entry_point, docstring=problem.docstring
    )


def _feedback(verdict: ExampleVerdict) -> str:
    if verdict.error:
        return f"- the code failed to run: {verdict.error}"
    return "\n".join(
        f"- the docstring example `{f['call']}` expected `{f['expected']}` but got `{f['got']}`"
        for f in verdict.failures[:3]
    )


def _messages(
    style: str, user: str, previous: str, verdict: ExampleVerdict, entry_point: str
) -> list[ModelChatMessage]:
    if style == "hint":
        return [
            ModelChatMessage(
                role=EnumChatRole.USER, content=f"{user}\n\nAn earlier answer was not accepted:\n{_feedback(verdict)}"
            )
        ]
    messages = [ModelChatMessage(role=EnumChatRole.USER, content=user)]
    if style == "repair":
        fix = (
            f"That code was not accepted:\n{_feedback(verdict)}\n\nFix it. Answer with the whole corrected "
            f"function `{entry_point}` in one ```python block."
        )
        messages += [
            ModelChatMessage(role=EnumChatRole.ASSISTANT, content=previous),
            ModelChatMessage(role=EnumChatRole.USER, content=fix),
        ]
    return messages


async def _one(
    client: LLMClient, problem: Problem, answer: str, style: str, args: argparse.Namespace
) -> dict[str, Any]:
    previous, verdict = answer, _judge(problem, answer)
    user = f"{ALONE_INSTRUCTION}\n\n{problem.prompt}"
    tries: list[dict[str, Any]] = []
    for attempt in range(1, args.tries + 1):
        request = ModelCompletionRequest(
            system=ALONE_SYSTEM,
            messages=_messages(style, user, previous, verdict, problem.entry_point),
            max_tokens=1024,
            temperature=args.temperature,
            seed=1000 + attempt,
        )
        started = time.perf_counter()
        text = (await client.complete(request)).text
        seconds = time.perf_counter() - started
        verdict = _judge(problem, text)
        passes = not verdict.failed
        hidden = (
            passes
            and hidden_tests(problem.name, alone_source(problem, text), problem.test, problem.entry_point) is None
        )
        tries.append({"examples": passes, "hidden": hidden, "seconds": round(seconds, 2)})
        if passes:
            break
        previous = text
    return {"task_id": problem.task_id, "strategy": style, "attempts": tries}


async def main(args: argparse.Namespace) -> None:
    alone = {}
    for line in args.results.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("phase") == "alone":
            alone[record["task_id"]] = record["calls"][0]["answer"]
    done = set()
    if args.output.exists():
        done = {(r["task_id"], r["strategy"]) for r in map(json.loads, args.output.read_text().splitlines())}
    client = build_model(args.llm, args.output.parent)
    for problem in problems():
        answer = alone.get(problem.task_id)
        if answer is None or not _judge(problem, answer).failed:
            continue
        for style in args.styles.split(","):
            if (problem.task_id, style) not in done:
                record = await _one(client, problem, answer, style, args)
                with args.output.open("a", encoding="utf-8") as out:
                    out.write(json.dumps(record) + "\n")
                print(json.dumps(record), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--llm", default="local")
    parser.add_argument("--tries", type=int, default=4)
    parser.add_argument("--temperature", type=float, default=0.7)
    parser.add_argument("--styles", default="fresh,hint,repair")
    parser.add_argument("--results", type=Path, default=RESULTS, help="the JSONL with the model-alone answers")
    parser.add_argument("--output", type=Path, default=Path("retry_styles.jsonl"))
    asyncio.run(main(parser.parse_args()))
