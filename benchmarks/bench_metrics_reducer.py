"""Reducer throughput: 100,000 generation events (models, as the orchestrator hands them over) aggregated, intents
included (without the per-attempt rows in the persist intent, which is serialization, not aggregation)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from nodegen.nodes.codegen_code_generator_effect.v1_0_0.models import EnumAttemptOutcome, ModelGenerationEvent
from nodegen.nodes.codegen_metrics_reducer.v1_0_0 import NodeCodegenMetricsReducer
from nodegen.onex.testing import create_test_container

from .harness import Timing, measure_async

EVENTS = 100_000
OUTCOMES = [EnumAttemptOutcome.VALID, EnumAttemptOutcome.INVALID, EnumAttemptOutcome.VALID, EnumAttemptOutcome.NO_CODE]


def events() -> list[ModelGenerationEvent]:
    start = datetime(2026, 11, 26, tzinfo=UTC)
    return [
        ModelGenerationEvent(
            correlation_id=UUID(int=i // 1000),
            timestamp=start + timedelta(seconds=i),
            file_path=f"pkg/node_{i % 50}.py",
            qualified_name=f"Node.method_{i % 997}",
            node_type=("effect", "compute", None)[i % 3],
            attempt=1 + i % 3,
            provider="openai",
            model=("gpt-4o-mini", "gpt-4o")[i % 2],
            prompt_tokens=500 + i % 100,
            completion_tokens=80 + i % 40,
            latency_ms=150.0 + i % 300,
            cost_usd=None if i % 101 == 0 else 0.0002,
            outcome=OUTCOMES[i % 4],
            prompt_hash="0" * 64,
        )
        for i in range(EVENTS)
    ]


def run() -> list[Timing]:
    node = NodeCodegenMetricsReducer(create_test_container())
    data = events()

    async def reduce() -> object:
        return await node.execute_reduction({"input_state": {"events": data, "include_attempts": False}})

    timing = measure_async(f"reduce {EVENTS:,} events", reduce, repeat=5, warmup=1)
    rate = EVENTS / (timing.median_ms / 1000)
    target_ms = EVENTS / 200_000 * 1000
    return [
        Timing(
            timing.name,
            timing.median_ms,
            timing.p95_ms,
            timing.min_ms,
            timing.runs,
            target_ms,
            f"{rate:,.0f} events/s (target 200,000; the guide's 1,000)",
        )
    ]
