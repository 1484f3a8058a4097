"""How the local model should write a node spec: free decoding of YAML (then nodegen's checks) against llama.cpp's
JSON-schema grammar (the spec's schema), on the same prompts, greedy, one answer each: seconds, tokens, and whether
the answer reads as a spec that passes the checks."""

from __future__ import annotations

import time
from typing import Any

from benchmarks.new_prompts import NEW_PROMPTS
from nodegen.llm import EnumChatRole, LLMClient, ModelChatMessage, ModelCompletionRequest, RetryPolicy, RunBudget
from nodegen.nodes.codegen_orchestrator.v1_0_0.spec_prompts import spec_system_prompt
from nodegen.nodes.codegen_orchestrator.v1_0_0.spec_stage import SPEC_MAX_TOKENS, SpecAsk, read_draft
from nodegen.nodes.codegen_scaffold_compute.v1_0_0.models import EnumNodeKind, ModelNodeSpec

KEYS = ("shipping_cost", "csv_summer", "order_totals")


async def run(client: LLMClient, llm: str) -> list[dict[str, Any]]:
    rows = []
    schema = ModelNodeSpec.model_json_schema()
    for item in (p for p in NEW_PROMPTS if p.key in KEYS):
        kind = EnumNodeKind(item.kind)
        ask = SpecAsk(item.prompt, kind, None, False, client, RetryPolicy(), RunBudget(), 1, 0, 0.0, False)
        for mode in ("free YAML", "JSON-schema grammar"):
            system = spec_system_prompt(kind)
            if mode != "free YAML":
                system = system.replace("as YAML, in one ```yaml block, and nothing else", "as one JSON object")
            request = ModelCompletionRequest(
                system=system,
                messages=[ModelChatMessage(role=EnumChatRole.USER, content=f"Request: {item.prompt}")],
                max_tokens=SPEC_MAX_TOKENS * 2,
                json_schema=schema if mode != "free YAML" else None,
            )
            started = time.perf_counter()
            completion = await client.complete(request)
            seconds = time.perf_counter() - started
            draft = read_draft(completion.text, ask, llm)
            row = {"prompt": item.key, "mode": mode, "seconds": round(seconds, 1),
                   "tokens": completion.output_tokens, "passes": draft.spec is not None,
                   "problems": len(draft.problems), "first_problem": (draft.problems or [""])[0][:160]}  # fmt: skip
            print(f"[spec decoding] {row}", flush=True)
            rows.append(row)
    return rows


def render(rows: list[dict[str, Any]], llm: str) -> str:
    lines = [
        f"Provider `{llm}`, greedy, one answer per prompt and mode, the same system prompt (the grammar's asks for one "
        "JSON object). \"passes\": the answer reads as a spec and passes nodegen's checks with no repair.",
        "",
        "| prompt | mode | seconds | tokens | passes | problems | first problem |",
        "|---|---|---:|---:|---|---:|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['prompt']} | {row['mode']} | {row['seconds']} | {row['tokens']} | "
            f"{'yes' if row['passes'] else 'no'} | {row['problems']} | {row['first_problem'].replace('|', '/')} |"
        )
    return "\n".join(lines)
