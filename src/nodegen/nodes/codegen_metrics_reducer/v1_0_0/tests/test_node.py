"""The metrics reducer: aggregation, skipped events, intents, and proof that it does no I/O."""

from __future__ import annotations

import builtins
import io
import os
import pathlib
import socket
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from nodegen.nodes.codegen_code_generator_effect.v1_0_0.models import EnumAttemptOutcome, ModelGenerationEvent
from nodegen.nodes.codegen_metrics_reducer.v1_0_0 import NodeCodegenMetricsReducer
from nodegen.onex import EnumCoreErrorCode, EnumIntentType, ModelOnexError
from nodegen.onex.testing import create_test_container

RUN = UUID("00000000-0000-4000-8000-000000000001")
T0 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def event(
    name: str,
    attempt: int,
    outcome: str,
    *,
    minutes: int = 0,
    model: str = "gpt-4o-mini",
    cost: float | None = 0.001,
    latency: float = 100.0,
    cache: bool = False,
    node_type: str | None = "effect",
    run: UUID = RUN,
    tokens: tuple[int, int] = (100, 20),
) -> ModelGenerationEvent:
    return ModelGenerationEvent(
        event_id=UUID(int=hash((name, attempt, minutes, str(run))) & (2**128 - 1)),
        correlation_id=run,
        timestamp=T0 + timedelta(minutes=minutes),
        file_path="pkg/node.py",
        qualified_name=name,
        node_type=node_type,
        attempt=attempt,
        provider="openai",
        model=model,
        prompt_tokens=tokens[0],
        completion_tokens=tokens[1],
        latency_ms=latency,
        cost_usd=cost,
        cache_hit=cache,
        outcome=EnumAttemptOutcome(outcome),
        prompt_hash="p" * 64,
    )


def sample() -> list[ModelGenerationEvent]:
    return [
        event("A.one", 1, "valid", latency=100),
        event("A.two", 1, "invalid", latency=200),
        event("A.two", 2, "valid", latency=300, minutes=70),
        event("A.three", 1, "invalid", latency=400, model="claude-haiku-4-5"),
        event("A.three", 2, "no_code", latency=500, model="claude-haiku-4-5"),
        event("A.four", 1, "budget_exhausted", latency=0, tokens=(0, 0), cost=None),
    ]


async def reduce(events, **state):
    node = NodeCodegenMetricsReducer(create_test_container())
    return await node.execute_reduction({"correlation_id": RUN, "input_state": {"events": events, **state}})


async def test_stubs_attempts_tokens_and_cost_are_aggregated():
    metrics = (await reduce(sample())).metrics
    assert (metrics.runs, metrics.stubs_total, metrics.stubs_filled, metrics.stubs_failed) == (1, 4, 2, 2)
    assert metrics.success_rate == 0.5 and metrics.first_attempt_success_rate == 0.25
    assert metrics.attempts_total == 5 and metrics.attempts_per_stub == 1.25  # the budget refusal is no attempt
    assert metrics.prompt_tokens == 500 and metrics.completion_tokens == 100 and metrics.total_tokens == 600
    assert metrics.cost_usd == pytest.approx(0.005)
    assert (metrics.duration_p50_ms, metrics.duration_p95_ms, metrics.duration_p99_ms) == (300, 500, 500)
    assert metrics.outcomes == {"budget_exhausted": 1, "invalid": 2, "no_code": 1, "valid": 2}


async def test_groups_by_model_node_type_and_time_window():
    metrics = (await reduce(sample())).metrics
    assert set(metrics.by_model) == {"openai:gpt-4o-mini", "openai:claude-haiku-4-5"}
    assert metrics.by_model["openai:gpt-4o-mini"].stubs_filled == 2
    assert metrics.by_model["openai:claude-haiku-4-5"].attempts == 2
    assert metrics.by_node_type["effect"].attempts == 5
    assert [w.window_start for w in metrics.by_window] == [T0, T0 + timedelta(hours=1)]
    assert [w.attempts for w in metrics.by_window] == [4, 1]
    narrow = (await reduce(sample(), window_seconds=60)).metrics
    assert len(narrow.by_window) == 2 and narrow.window_seconds == 60


async def test_an_unknown_price_makes_the_total_unknown_not_zero():
    metrics = (await reduce([event("A.x", 1, "valid", cost=None), event("A.y", 1, "valid")])).metrics
    assert metrics.cost_usd is None and metrics.cost_usd_known == pytest.approx(0.001)
    assert metrics.unpriced_attempts == 1
    cached = (await reduce([event("A.x", 1, "valid", cost=0.0, cache=True)])).metrics
    assert cached.cost_usd == 0.0 and cached.cache_hits == 1


async def test_unknown_and_malformed_events_are_counted_and_skipped():
    good = event("A.one", 1, "valid").model_dump(mode="json")
    raw = [good, {"event_type": "codegen.something_else"}, {"qualified_name": "x"}, 42, "text", None]
    metrics = (await reduce(raw)).metrics
    assert metrics.events_total == 6 and metrics.events_skipped == 5 and metrics.stubs_filled == 1
    assert metrics.skipped_reasons == {"malformed": 1, "not_an_event": 3, "unknown_event_type": 1}


async def test_an_async_stream_gives_the_same_metrics_as_a_list():
    async def stream():
        for item in sample():
            yield item

    assert (await reduce(stream())).metrics == (await reduce(sample())).metrics


async def test_the_same_input_always_gives_the_same_output():
    first = await reduce(sample())
    second = await reduce(list(sample()))
    assert first.model_dump(mode="json") == second.model_dump(mode="json")


async def test_intents_persist_then_publish_in_priority_order():
    output = await reduce(sample())
    persist, publish = output.intents
    assert (persist.intent_type, persist.target, persist.priority) == (
        EnumIntentType.PERSIST_METRICS,
        "store_effect",
        8,
    )
    assert (publish.intent_type, publish.target, publish.priority) == (EnumIntentType.PUBLISH_EVENT, "event_bus", 5)
    assert len(persist.payload.attempts) == 6 and persist.payload.metrics.stubs_filled == 2
    assert publish.payload.topic == "onex.codegen.metrics_recorded.v1" and publish.payload.key == str(RUN)
    assert publish.payload.event.metrics == persist.payload.metrics and publish.payload.event_type == "metrics_recorded"
    assert persist.correlation_id == RUN and persist.created_at == T0 + timedelta(minutes=70)
    without = await reduce(sample(), include_attempts=False)
    assert without.intents[0].payload.attempts == []


async def test_the_reducer_does_no_io(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("the reducer must not do I/O")

    node = NodeCodegenMetricsReducer(create_test_container())
    events = sample()
    for target, name in [
        (builtins, "open"),
        (os, "open"),
        (os, "system"),
        (socket, "socket"),
        (socket, "create_connection"),
        (subprocess, "Popen"),
        (subprocess, "run"),
        (io, "open"),
        (pathlib.Path, "open"),
        (pathlib.Path, "read_text"),
        (pathlib.Path, "read_bytes"),
        (pathlib.Path, "write_text"),
        (pathlib.Path, "write_bytes"),
        (pathlib.Path, "mkdir"),
        (pathlib.Path, "touch"),
        (pathlib.Path, "unlink"),
        (pathlib.Path, "iterdir"),
        (sqlite3, "connect"),
    ]:
        monkeypatch.setattr(target, name, forbidden)
    output = await node.execute_reduction({"correlation_id": RUN, "input_state": {"events": events}})
    assert output.metrics.stubs_total == 4


async def test_bad_input_is_a_clear_error():
    with pytest.raises(ModelOnexError) as raised:
        await reduce(None)
    assert raised.value.error_code is EnumCoreErrorCode.VALIDATION_ERROR and "events" in raised.value.message
    with pytest.raises(ModelOnexError, match="window_seconds"):
        await reduce([], window_seconds=0)


async def test_no_events_gives_empty_metrics():
    metrics = (await reduce([])).metrics
    assert metrics.stubs_total == 0 and metrics.success_rate == 0.0 and metrics.cost_usd == 0.0
