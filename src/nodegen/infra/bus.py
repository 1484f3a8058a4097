"""The event bus: every event travels in one versioned envelope, keyed by correlation id. ``InProcessBus`` is the
embedded default (subscribers in this process); ``bus_kafka.KafkaBus`` is production."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field

TOPIC_PREFIX = "onex.codegen."


def topic_for(event_type: str, version: int = 1) -> str:
    """``onex.codegen.<event>.v<version>``."""
    return f"{TOPIC_PREFIX}{event_type}.v{version}"


class ModelEventEnvelope(BaseModel):
    """One event: a stable id (consumers de-duplicate on it), its type and schema version, the correlation id it
    belongs to (also the Kafka key), when it happened, and its JSON payload."""

    model_config = ConfigDict(frozen=True)

    event_id: UUID = Field(default_factory=uuid4)
    event_type: str
    schema_version: str = "1.0"
    topic: str
    correlation_id: UUID | None = None
    timestamp: datetime = Field(default_factory=lambda: datetime.now(UTC))
    payload: dict[str, Any] = Field(default_factory=dict)

    @property
    def key(self) -> str:
        """The partition key: the correlation id (events of one run stay in order)."""
        return str(self.correlation_id) if self.correlation_id else str(self.event_id)


@runtime_checkable
class EventBus(Protocol):
    """Publishes envelopes."""

    async def publish(self, envelope: ModelEventEnvelope) -> None:
        """Deliver ``envelope`` (raise when it cannot be delivered now)."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


Subscriber = Callable[[ModelEventEnvelope], Awaitable[None]]


class InProcessBus:
    """Delivers to subscribers in this process, by topic (``*`` for every topic); keeps the events it saw."""

    def __init__(self, *, keep: int = 10_000) -> None:
        self._subscribers: dict[str, list[Subscriber]] = {}
        self.published: list[ModelEventEnvelope] = []
        self._keep = keep

    def subscribe(self, topic: str, subscriber: Subscriber) -> None:
        """Call ``subscriber`` for every event on ``topic`` (``*``: all topics)."""
        self._subscribers.setdefault(topic, []).append(subscriber)

    async def publish(self, envelope: ModelEventEnvelope) -> None:
        """Hand ``envelope`` to the topic's subscribers and to ``*`` subscribers."""
        self.published.append(envelope)
        del self.published[: -self._keep]
        targets = [*self._subscribers.get(envelope.topic, []), *self._subscribers.get("*", [])]
        if targets:
            await asyncio.gather(*(subscriber(envelope) for subscriber in targets))

    async def close(self) -> None:
        """Nothing to release."""


__all__ = ["TOPIC_PREFIX", "EventBus", "InProcessBus", "ModelEventEnvelope", "Subscriber", "topic_for"]
