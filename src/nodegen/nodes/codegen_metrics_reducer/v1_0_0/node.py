"""NodeCodegenMetricsReducer - aggregate generation events into metrics and return the intents that persist and
publish them. PURE: no file, socket, subprocess, clock or randomness; the same input always gives the same output.

ONEX v2.0: suffix naming ``Node<Name><Type>``, subclass of ``NodeReducer``; coordination I/O is asked for as typed
intents, returned, which the orchestrator executes: ``ModelPersistMetricsIntent`` → the store effect,
``ModelPublishMetricsIntent`` → the event bus.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid5

from pydantic import BaseModel

from nodegen.infra.collector import collector_paused
from nodegen.onex import (
    EnumIntentType,
    ModelContainer,
    ModelContractReducer,
    NodeReducer,
    TypedPort,
    sort_intents,
)

from .aggregation import Aggregator
from .models import (
    CodegenIntent,
    ModelCodegenMetricsReducerOutput,
    ModelMetricsRecordedEvent,
    ModelMetricsReductionRequest,
    ModelMetricsSnapshot,
    ModelPersistMetricsIntent,
    ModelPublishMetrics,
    ModelPublishMetricsIntent,
)
from .models.model_metrics_reducer_options import ModelMetricsReducerOptions

METRICS_TOPIC = "onex.codegen.metrics_recorded.v1"
PRIORITY_PERSIST = 8
PRIORITY_PUBLISH = 5
_INTENT_NAMESPACE = UUID("6f1f4c8e-2b1a-5d7e-9c3b-4a1e0d2f7b65")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class NodeCodegenMetricsReducer(
    NodeReducer[ModelCodegenMetricsReducerOutput],
    TypedPort[ModelContractReducer, ModelMetricsReductionRequest, ModelCodegenMetricsReducerOutput],
):
    """Input (``contract.input_state``): ``events`` (a list, any iterable or an async iterable of generation events,
    as models or dicts; unknown or malformed ones are counted and skipped), optional ``window_seconds`` (3600),
    ``include_attempts`` (True: the persist intent carries one row per attempt). Typed port:
    ``await run(ModelMetricsReductionRequest(...))``."""

    request_type = ModelMetricsReductionRequest

    def __init__(self, container: ModelContainer) -> None:
        super().__init__(container)
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
        snapshot = ModelMetricsSnapshot(metrics=metrics, attempts=counted if request.include_attempts else [])
        created_at = max((event.timestamp for event in counted), default=_EPOCH)
        return ModelCodegenMetricsReducerOutput(
            metrics=metrics, intents=self._intents(snapshot, correlation_id, created_at)
        )

    def _intents(
        self, snapshot: ModelMetricsSnapshot, correlation_id: UUID, created_at: datetime
    ) -> list[CodegenIntent]:
        """Persist, then publish: each intent's id derived from the run and its payload, so the same input gives
        the same intents (and the store keeps one snapshot however often they run)."""
        publish = ModelPublishMetrics(
            topic=METRICS_TOPIC,
            key=str(correlation_id),
            event=ModelMetricsRecordedEvent(
                correlation_id=str(correlation_id), timestamp=created_at.isoformat(), metrics=snapshot.metrics
            ),
        )

        def identity(kind: EnumIntentType, payload: BaseModel) -> dict[str, Any]:
            digest = hashlib.sha256(json.dumps(payload.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()
            return {
                "intent_id": uuid5(_INTENT_NAMESPACE, f"{correlation_id}:{kind.value}:{digest}"),
                "correlation_id": correlation_id,
                "created_by": type(self).__name__,
                "created_at": created_at,
            }

        intents: list[CodegenIntent] = [
            ModelPersistMetricsIntent(
                payload=snapshot, priority=PRIORITY_PERSIST, **identity(EnumIntentType.PERSIST_METRICS, snapshot)
            ),
            ModelPublishMetricsIntent(
                payload=publish, priority=PRIORITY_PUBLISH, **identity(EnumIntentType.PUBLISH_EVENT, publish)
            ),
        ]
        return sort_intents(intents)

    def _node_metrics(self) -> dict[str, Any]:
        return {"events_reduced": self._events_reduced, "events_skipped": self._events_skipped}


__all__ = ["METRICS_TOPIC", "NodeCodegenMetricsReducer"]
