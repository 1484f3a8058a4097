"""Validation: a 300-line node with every rule but mypy, whole file and one body in place; time per rule."""

from __future__ import annotations

import asyncio
import statistics

from nodegen.nodes.codegen_code_validator_effect.v1_0_0 import NodeCodegenCodeValidatorEffect
from nodegen.onex import ModelContractEffect
from nodegen.onex.testing import create_test_container

from .bench_code_injector import three_hundred_line_node
from .harness import Timing, measure_async

BODY = (
    "result = {}\nfor key, value in payload.items():\n    if isinstance(value, str):\n"
    "        result[key] = value.strip()\n    else:\n        result[key] = json.dumps(value)\nreturn result\n"
)


def run() -> list[Timing]:
    node = NodeCodegenCodeValidatorEffect(create_test_container())
    source, _ = three_hundred_line_node()
    whole = ModelContractEffect(input_state={"generated_code": source, "file_path": "bench_effect/v1_0_0/node.py"})
    in_place = ModelContractEffect(
        input_state={
            "generated_code": BODY,
            "target": {"source": source, "qualified_name": "NodeBenchEffect.stub_3"},
            "file_path": "bench_effect/v1_0_0/node.py",
        }
    )
    timings = [
        measure_async(
            "validate: 300-line node, every rule but mypy",
            lambda: node.execute_effect(whole),
            repeat=20,
            target_ms=100.0,
            note=f"{source.count(chr(10))} lines; guide target 500 ms",
        ),
        measure_async(
            "validate: one body in place in that node",
            lambda: node.execute_effect(in_place),
            repeat=20,
            target_ms=100.0,
            note="what the repair loop pays per attempt",
        ),
    ]

    async def per_rule() -> dict[str, list[float]]:
        samples: dict[str, list[float]] = {}
        for _ in range(10):
            result = await node.execute_effect(whole)
            for rule, ms in result.rule_timings_ms.items():
                samples.setdefault(rule, []).append(ms)
        return samples

    for rule, values in sorted(asyncio.run(per_rule()).items()):
        median = statistics.median(values)
        note = "ruff subprocess; overlaps the in-process rules" if rule == "imports" else "in-process"
        timings.append(Timing(f"validate rule: {rule}", median, max(values), min(values), len(values), note=note))
    return timings
