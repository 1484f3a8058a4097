"""Intents: what a pure node wants done, as data, for the orchestrator to carry out.

Priority runs from 1 to 10 and **higher runs first** (10 is most urgent) everywhere in nodegen; the original
project used both directions, which this module fixes in one place: :func:`sort_intents`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field

PRIORITY_MIN = 1
PRIORITY_MAX = 10
PRIORITY_DEFAULT = 5


class EnumIntentType(StrEnum):
    """What an intent asks for; its ``target`` says which effect carries it out."""

    PERSIST_METRICS = "persist_metrics"
    PERSIST_ARTIFACT = "persist_artifact"
    PUBLISH_EVENT = "publish_event"


class ModelIntentBase(BaseModel):
    """What every intent carries besides its kind, target and payload: when it runs, its id, its run, its author."""

    model_config = ConfigDict(frozen=True)

    priority: int = Field(default=PRIORITY_DEFAULT, ge=PRIORITY_MIN, le=PRIORITY_MAX, description="10 runs first")
    intent_id: UUID = Field(default_factory=uuid4)
    correlation_id: UUID | None = None
    created_by: str | None = Field(default=None, description="Class name of the node that asked")
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class ModelIntent(ModelIntentBase):
    """One side effect a node asks for without doing it (the original API's open shape: nodes of a generated
    package use it; nodegen's own intents are typed, each with its payload model, as the metrics reducer's are)."""

    intent_type: EnumIntentType
    target: str = Field(min_length=1, description="Who executes it, e.g. 'store_effect' or 'event_bus'")
    payload: dict[str, Any] = Field(default_factory=dict)


IntentT = TypeVar("IntentT", bound=ModelIntentBase)


def sort_intents(intents: Iterable[IntentT]) -> list[IntentT]:
    """Intents in execution order: priority 10 first; equal priorities keep the order they were emitted in."""
    return sorted(intents, key=lambda intent: -intent.priority)


class MixinIntentPublisher:
    """Lets a pure node ask for coordination I/O (publishing an event, persisting metrics) by emitting intents.

    Nothing here does I/O: intents accumulate on the node until the caller takes them with :meth:`drain_intents`
    (the orchestrator executes them). Safe for a node that handles one operation at a time per instance.
    """

    _pending_intents: list[ModelIntent]

    def _init_intent_publisher(self, container: object | None = None) -> None:
        """Prepare the pending list; the container is accepted for the original API and not used."""
        self._pending_intents = []

    def emit_intent(self, intent: ModelIntent) -> ModelIntent:
        """Queue ``intent`` and return it."""
        self._intents().append(intent)
        return intent

    async def publish_event_intent(
        self,
        target_topic: str,
        target_key: str,
        event: BaseModel | Mapping[str, Any],
        correlation_id: UUID | None = None,
        priority: int = PRIORITY_DEFAULT,
    ) -> ModelIntent:
        """Queue an intent to publish ``event`` on ``target_topic`` keyed by ``target_key`` (via the event bus)."""
        body = event.model_dump(mode="json") if isinstance(event, BaseModel) else dict(event)
        return self.emit_intent(
            ModelIntent(
                intent_type=EnumIntentType.PUBLISH_EVENT,
                target="event_bus",
                payload={
                    "topic": target_topic,
                    "key": target_key,
                    "event_type": type(event).__name__ if isinstance(event, BaseModel) else "dict",
                    "event": body,
                },
                priority=priority,
                correlation_id=correlation_id,
                created_by=type(self).__name__,
            )
        )

    def drain_intents(self) -> list[ModelIntent]:
        """Take every queued intent, in execution order, leaving none queued."""
        pending = self._intents()
        taken = sort_intents(pending)
        pending.clear()
        return taken

    def _intents(self) -> list[ModelIntent]:
        try:
            return self._pending_intents
        except AttributeError:
            self._pending_intents = []
            return self._pending_intents


__all__ = [
    "PRIORITY_DEFAULT",
    "PRIORITY_MAX",
    "PRIORITY_MIN",
    "EnumIntentType",
    "MixinIntentPublisher",
    "ModelIntent",
    "ModelIntentBase",
    "sort_intents",
]
