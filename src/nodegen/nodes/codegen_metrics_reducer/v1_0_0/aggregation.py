"""Pure aggregation of generation events: no I/O, no clock, no randomness; the same events give the same metrics."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from pydantic import ValidationError

from nodegen.nodes.codegen_code_generator_effect.v1_0_0.models import EnumAttemptOutcome, ModelGenerationEvent

from .models import ModelCodegenMetrics, ModelMetricsGroup

EVENT_TYPE = "codegen.generation_attempt"
_VALID = EnumAttemptOutcome.VALID
_REFUSED = EnumAttemptOutcome.BUDGET_EXHAUSTED
_NOT_WRITTEN = EnumAttemptOutcome.NOT_WRITTEN  # the stub's valid answer did not reach its file: not filled


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list (0.0 when empty)."""
    if not ordered:
        return 0.0
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


@dataclass(slots=True)
class _Group:
    attempts: int = 0
    valid: int = 0
    filled: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    unpriced: int = 0
    cache_hits: int = 0
    latencies: list[float] = field(default_factory=list)

    def add(self, event: ModelGenerationEvent) -> None:
        self.attempts += 1
        self.valid += event.outcome is _VALID
        self.prompt_tokens += event.prompt_tokens
        self.completion_tokens += event.completion_tokens
        if event.cache_hit:
            self.cache_hits += 1
        elif event.cost_usd is None:
            self.unpriced += event.prompt_tokens + event.completion_tokens > 0
        else:
            self.cost += event.cost_usd
        self.latencies.append(event.latency_ms)

    def merge(self, other: _Group) -> None:
        self.attempts += other.attempts
        self.valid += other.valid
        self.filled += other.filled
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.cost += other.cost
        self.unpriced += other.unpriced
        self.cache_hits += other.cache_hits
        self.latencies.extend(other.latencies)

    def model(self, window_start: datetime | None = None) -> ModelMetricsGroup:
        ordered = sorted(self.latencies)
        return ModelMetricsGroup(
            attempts=self.attempts,
            valid_attempts=self.valid,
            stubs_filled=self.filled,
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            cost_usd=round(self.cost, 9),
            unpriced_attempts=self.unpriced,
            cache_hits=self.cache_hits,
            latency_p50_ms=percentile(ordered, 0.50),
            latency_p95_ms=percentile(ordered, 0.95),
            window_start=window_start,
        )


def _coerce(raw: Any) -> ModelGenerationEvent | str:
    """The event, or the reason it is skipped."""
    if isinstance(raw, ModelGenerationEvent):
        return raw
    if not isinstance(raw, dict):
        return "not_an_event"
    if raw.get("event_type", EVENT_TYPE) != EVENT_TYPE:
        return "unknown_event_type"
    try:
        return ModelGenerationEvent.model_validate(raw)
    except ValidationError:
        return "malformed"


class Aggregator:
    """Folds events in one at a time (so a stream never has to be held in memory as events).

    Each counted event lands in one cell keyed by (model, node type, time window); the totals and the three group
    views are rolled up from the cells at the end, so an event costs one dictionary update, not four.
    """

    def __init__(self, window_seconds: int = 3600) -> None:
        self.window_seconds = window_seconds
        self.total = 0
        self.skipped: dict[str, int] = {}
        self.cells: dict[tuple[str, str, int], _Group] = {}
        self.outcomes: dict[EnumAttemptOutcome, int] = {}
        self.runs: set[UUID | None] = set()
        self.stubs: dict[tuple[UUID | None, str, str], list[int]] = {}  # -> [attempts, filled, first attempt valid]
        self.filled_in: dict[tuple[UUID | None, str, str], tuple[str, str, int]] = {}  # stub -> its cell

    def add(self, raw: Any) -> ModelGenerationEvent | None:
        """Count one event (skipped and counted when unknown or malformed)."""
        self.total += 1
        event = raw if type(raw) is ModelGenerationEvent else _coerce(raw)
        if isinstance(event, str):
            self.skipped[event] = self.skipped.get(event, 0) + 1
            return None
        outcome = event.outcome
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        run = event.correlation_id
        self.runs.add(run)
        key = (run, event.file_path or "", event.qualified_name)
        stub = self.stubs.get(key)
        if stub is None:
            stub = self.stubs[key] = [0, 0, 0]
        if outcome is _NOT_WRITTEN and stub[1]:
            stub[1] = stub[2] = 0
            self.cells[self.filled_in.pop(key)].filled -= 1
        if outcome in (_REFUSED, _NOT_WRITTEN):
            return event
        stub[0] += 1
        cell_key = (
            f"{event.provider}:{event.model}",
            event.node_type or "none",
            int(event.timestamp.timestamp() // self.window_seconds),
        )
        cell = self.cells.get(cell_key)
        if cell is None:
            cell = self.cells[cell_key] = _Group()
        cell.add(event)
        if outcome is _VALID and not stub[1]:
            stub[1] = 1
            stub[2] = 1 if event.attempt == 1 else 0
            cell.filled += 1
            self.filled_in[key] = cell_key
        return event

    def _rollup(self, position: int) -> dict[Any, _Group]:
        groups: dict[Any, _Group] = {}
        for key, cell in sorted(self.cells.items()):
            group = groups.setdefault(key[position], _Group()) if position >= 0 else groups.setdefault(None, _Group())
            group.merge(cell)
        return groups

    def metrics(self) -> ModelCodegenMetrics:
        """The metrics so far."""
        stubs = len(self.stubs)
        filled = sum(entry[1] for entry in self.stubs.values())
        first = sum(entry[2] for entry in self.stubs.values())
        everything = self._rollup(-1).get(None, _Group())
        ordered = sorted(everything.latencies)
        skipped = sum(self.skipped.values())
        return ModelCodegenMetrics(
            events_total=self.total,
            events_skipped=skipped,
            skipped_reasons=dict(sorted(self.skipped.items())),
            runs=len(self.runs),
            stubs_total=stubs,
            stubs_filled=filled,
            stubs_failed=stubs - filled,
            success_rate=round(filled / stubs, 6) if stubs else 0.0,
            attempts_total=everything.attempts,
            attempts_per_stub=round(everything.attempts / stubs, 6) if stubs else 0.0,
            first_attempt_success_rate=round(first / stubs, 6) if stubs else 0.0,
            duration_p50_ms=percentile(ordered, 0.50),
            duration_p95_ms=percentile(ordered, 0.95),
            duration_p99_ms=percentile(ordered, 0.99),
            prompt_tokens=everything.prompt_tokens,
            completion_tokens=everything.completion_tokens,
            total_tokens=everything.prompt_tokens + everything.completion_tokens,
            cost_usd=None if everything.unpriced else round(everything.cost, 9),
            cost_usd_known=round(everything.cost, 9),
            unpriced_attempts=everything.unpriced,
            cache_hits=everything.cache_hits,
            outcomes={str(key.value): count for key, count in sorted(self.outcomes.items())},
            by_model={key: group.model() for key, group in sorted(self._rollup(0).items())},
            by_node_type={key: group.model() for key, group in sorted(self._rollup(1).items())},
            by_window=[
                group.model(datetime.fromtimestamp(index * self.window_seconds, UTC))
                for index, group in sorted(self._rollup(2).items())
            ],
            window_seconds=self.window_seconds,
        )


__all__ = ["EVENT_TYPE", "Aggregator", "percentile"]
