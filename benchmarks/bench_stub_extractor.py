"""Stub extraction: a 100-stub node file, a 10,000-line module, and growth with file size."""

from __future__ import annotations

import ast

from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0 import NodeCodegenStubExtractorEffect
from nodegen.onex import ModelContractEffect
from nodegen.onex.testing import create_test_container

from .harness import Timing, measure_async

HEADER = (
    '"""Generated benchmark module."""\n\nfrom __future__ import annotations\n\nimport json\n'
    "from typing import Any\n\n\n"
)


def stub_method(i: int) -> str:
    return (
        f"    async def method_{i}(self, payload: dict[str, Any], *, retries: int = 3) -> dict[str, Any]:\n"
        f'        """Handle request kind {i}.\n\n        Args:\n            payload: the request body\n        """\n'
        f"        # IMPLEMENTATION REQUIRED: handle kind {i}\n"
        "        pass\n\n"
    )


def implemented_function(i: int) -> str:
    return (
        f"def helper_{i}(values: list[int], scale: float = 1.0) -> list[float]:\n"
        f'    """Scale values ({i})."""\n'
        "    result = []\n"
        "    for value in values:\n"
        "        if value < 0:\n"
        "            continue\n"
        '        result.append(value * scale)  # "#" in a string and a comment\n'
        "    return result\n\n\n"
    )


def hundred_stub_file() -> str:
    body = "".join(stub_method(i) for i in range(100))
    return HEADER + 'class NodeBenchEffect(NodeEffect):\n    """Benchmark node."""\n\n' + body


def module_of_lines(target_lines: int, stub_every: int = 10) -> str:
    parts = [HEADER]
    lines = HEADER.count("\n")
    i = 0
    while lines < target_lines:
        if i % stub_every == 0:
            chunk = f'class Service{i}:\n    """Service."""\n\n' + stub_method(i)
        else:
            chunk = implemented_function(i)
        parts.append(chunk)
        lines += chunk.count("\n")
        i += 1
    return "".join(parts)


GUIDE_TYPICAL_NODE = """
class NodeMyEffect(NodeEffect):
    def __init__(self, container):
        super().__init__(container)

    async def execute_effect(self, contract):
        # IMPLEMENTATION REQUIRED
        pass

    async def _process_data(self, data):
        # IMPLEMENTATION REQUIRED
        pass

    def _validate_input(self, input_data):
        return input_data is not None

    async def _store_result(self, result):
        # IMPLEMENTATION REQUIRED
        pass
"""


def guide_thousand_methods() -> str:
    return "\n".join(f"def method_{i}(): # IMPLEMENTATION REQUIRED\n    pass\n" for i in range(1000))


def run() -> list[Timing]:
    node = NodeCodegenStubExtractorEffect(create_test_container())

    def call(source: str):
        return lambda: node.execute_effect(ModelContractEffect(input_state={"node_file_content": source}))

    hundred = hundred_stub_file()
    big = module_of_lines(10_000)
    timings = [
        measure_async(
            "extract: 100-stub node file",
            call(hundred),
            target_ms=20.0,
            note=f"{hundred.count(chr(10))} lines; guide target 1000 ms",
        ),
        measure_async(
            "extract: 10,000-line module",
            call(big),
            repeat=15,
            note=f"{big.count(chr(10))} lines, one stub class per 10 blocks",
        ),
    ]

    timings.append(
        measure_async(
            "guide case: typical node, 3 stubs", call(GUIDE_TYPICAL_NODE), target_ms=50.0, note="guide: < 50 ms"
        )
    )
    timings.append(
        measure_async(
            "guide case: 1,000 one-line stub functions",
            call(guide_thousand_methods()),
            repeat=10,
            target_ms=15_000.0,
            note="guide: < 15 s, > 60 methods/s",
        )
    )

    async def parse_only() -> None:
        ast.parse(big)

    timings.append(
        measure_async(
            "reference: ast.parse alone, 10,000 lines", parse_only, repeat=15, note="CPython's parser, the floor"
        )
    )
    for size in (1_250, 2_500, 5_000, 10_000, 20_000):
        source = module_of_lines(size)
        timing = measure_async(f"extract: growth, {size:,} lines", call(source), repeat=10, warmup=1)
        per_k = timing.median_ms / (source.count("\n") / 1000)
        timings.append(
            Timing(
                timing.name,
                timing.median_ms,
                timing.p95_ms,
                timing.min_ms,
                timing.runs,
                note=f"{per_k:.2f} ms per 1,000 lines",
            )
        )
    return timings
