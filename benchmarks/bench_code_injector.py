"""Injection: 10 stubs in a 300-line node file, through the node's entry point (parse, inject, compile, diff)."""

from __future__ import annotations

from nodegen.nodes.codegen_code_injector_effect.v1_0_0 import NodeCodegenCodeInjectorEffect
from nodegen.onex import ModelContractEffect
from nodegen.onex.testing import create_test_container

from .harness import Timing, measure_async

HEADER = '"""Benchmark node."""\n\nfrom __future__ import annotations\n\nimport json\nfrom typing import Any\n\n\n'


def three_hundred_line_node() -> tuple[str, list[dict[str, object]]]:
    parts = [HEADER, 'class NodeBenchEffect:\n    """Benchmark node."""\n\n']
    requests: list[dict[str, object]] = []
    for i in range(10):
        parts.append(
            f"    async def stub_{i}(self, payload: dict[str, Any], *, retries: int = 3) -> dict[str, Any]:\n"
            f'        """Handle kind {i}.\n\n        Args:\n            payload: the body\n        """\n'
            f"        # IMPLEMENTATION REQUIRED: handle kind {i}\n"
            "        pass\n\n"
        )
        parts.append(
            f"    def helper_{i}(self, values: list[int]) -> list[int]:\n"
            f'        """Keep the positive values ({i})."""\n'
            "        kept = []\n"
            "        for value in values:\n"
            "            if value > 0:\n"
            "                kept.append(value)\n"
            "            else:\n"
            "                continue\n"
            "        total = sum(kept)\n"
            "        if total > 100:\n"
            "            kept = kept[:10]\n"
            "        # a comment between statements\n"
            "        if not kept:\n"
            "            return []\n"
            "        kept.sort()\n"
            "        if len(kept) > 1:\n"
            "            kept = kept[1:]\n"
            "        kept.reverse()\n"
            "        return kept\n\n"
        )
        requests.append(
            {
                "qualified_name": f"NodeBenchEffect.stub_{i}",
                "generated_code": (
                    "result = {}\nfor key, value in payload.items():\n    if isinstance(value, str):\n"
                    "        result[key] = value.strip()\n    else:\n        result[key] = json.dumps(value)\n"
                    f"return result | {{'kind': {i}}}\n"
                ),
                "required_imports": ["import json"],
            }
        )
    return "".join(parts), requests


def run() -> list[Timing]:
    node = NodeCodegenCodeInjectorEffect(create_test_container())
    source, requests = three_hundred_line_node()
    contract = ModelContractEffect(input_state={"source_code": source, "injection_requests": requests})
    return [
        measure_async(
            "inject: 10 stubs in a 300-line file",
            lambda: node.execute_effect(contract),
            repeat=20,
            target_ms=50.0,
            note=f"{source.count(chr(10))} lines; guide target 200 ms",
        )
    ]
