"""NodeCodegenMetricsReducer - aggregate generation events into metrics and return the intents that persist and
publish them. PURE: no file, socket, subprocess, clock or randomness; the same input always gives the same output.

ONEX v2.0: suffix naming ``Node<Name><Type>``, subclass of ``NodeReducer``; coordination I/O is asked for as intents
(``MixinIntentPublisher``) which the orchestrator executes: ``PERSIST_METRICS`` → ``store_effect``,
``PUBLISH_EVENT`` → ``event_bus``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid5

from nodegen.infra.collector import collector_paused
from nodegen.onex import (
    EnumIntentType,
    MixinIntentPublisher,
    ModelContainer,
    ModelContractReducer,
    ModelIntent,
    NodeReducer,
    TypedPort,
)

from .aggregation import Aggregator
from .models import ModelCodegenMetrics, ModelCodegenMetricsReducerOutput, ModelMetricsReductionRequest
from .models.model_metrics_reducer_options import ModelMetricsReducerOptions

METRICS_TOPIC = "onex.codegen.metrics_recorded.v1"
PRIORITY_PERSIST = 8
PRIORITY_PUBLISH = 5
_INTENT_NAMESPACE = UUID("6f1f4c8e-2b1a-5d7e-9c3b-4a1e0d2f7b65")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class NodeCodegenMetricsReducer(
    NodeReducer[ModelCodegenMetricsReducerOutput],
    TypedPort[ModelContractReducer, ModelMetricsReductionRequest, ModelCodegenMetricsReducerOutput],
    MixinIntentPublisher,
):
    """Input (``contract.input_state``): ``events`` (a list, any iterable or an async iterable of generation events,
    as models or dicts; unknown or malformed ones are counted and skipped), optional ``window_seconds`` (3600),
    ``include_attempts`` (True: the persist intent carries one row per attempt). Typed port:
    ``await run(ModelMetricsReductionRequest(...))``."""

    request_type = ModelMetricsReductionRequest

    def __init__(self, container: ModelContainer) -> None:
        super().__init__(container)
        self._init_intent_publisher(container)
        self.default_window_seconds = ModelMetricsReducerOptions.from_container(container).metrics_window_seconds
        self._events_reduced = 0
        self._events_skipped = 0

    async def _handle(
        self, request: ModelMetricsReductionRequest, correlation_id: UUID
    ) -> ModelCodegenMetricsReducerOutput:
        events = request.events
        aggregator = Aggregator(request.window_seconds or self.default_window_seconds)
        counted = []
        if isinstance(events, AsyncIterable):
            async for raw in events:
                if (event := aggregator.add(raw)) is not None:
                    counted.append(event)
        else:
            with collector_paused():
                counted = [event for event in map(aggregator.add, events) if event is not None]
        metrics = aggregator.metrics()
        self._events_reduced += metrics.events_total
        self._events_skipped += metrics.events_skipped
        attempts = [event.model_dump(mode="json") for event in counted] if request.include_attempts else []
        created_at = max((event.timestamp for event in counted), default=_EPOCH)
        self._emit(metrics, attempts, correlation_id, created_at)
        return ModelCodegenMetricsReducerOutput(metrics=metrics, intents=self.drain_intents())

    def _emit(
        self, metrics: ModelCodegenMetrics, attempts: list[dict[str, Any]], correlation_id: UUID, created_at: datetime
    ) -> None:
        summary = metrics.model_dump(mode="json")
        persist = {"metrics": summary, "attempts": attempts}
        publish = {
            "topic": METRICS_TOPIC,
            "key": str(correlation_id),
            "event_type": "metrics_recorded",
            "event": {
                "schema_version": "1.0",
                "correlation_id": str(correlation_id),
                "timestamp": created_at.isoformat(),
                "metrics": summary,
            },
        }
        for intent_type, target, payload, priority in (
            (EnumIntentType.PERSIST_METRICS, "store_effect", persist, PRIORITY_PERSIST),
            (EnumIntentType.PUBLISH_EVENT, "event_bus", publish, PRIORITY_PUBLISH),
        ):
            digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
            self.emit_intent(
                ModelIntent(
                    intent_type=intent_type,
                    target=target,
                    payload=payload,
                    priority=priority,
                    intent_id=uuid5(_INTENT_NAMESPACE, f"{correlation_id}:{intent_type.value}:{digest}"),
                    correlation_id=correlation_id,
                    created_by=type(self).__name__,
                    created_at=created_at,
                )
            )

    def _node_metrics(self) -> dict[str, Any]:
        return {"events_reduced": self._events_reduced, "events_skipped": self._events_skipped}


__all__ = ["METRICS_TOPIC", "NodeCodegenMetricsReducer"]
