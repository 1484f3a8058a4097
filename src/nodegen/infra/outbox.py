"""Nothing is lost when the broker is down: events are written to the store's outbox first, and the relay delivers
them, oldest first, retrying with backoff until the bus takes them (at-least-once, stable event ids)."""

from __future__ import annotations

import asyncio
import json

from nodegen.onex import EnumLogLevel, ModelOnexError, emit_log_event

from .bus import EventBus, ModelEventEnvelope
from .store_base import CodegenStore, ModelOutboxRecord


def outbox_record(envelope: ModelEventEnvelope) -> ModelOutboxRecord:
    """The outbox row of an envelope (the whole envelope is the payload)."""
    return ModelOutboxRecord(
        event_id=str(envelope.event_id),
        topic=envelope.topic,
        event_key=envelope.key,
        event_type=envelope.event_type,
        schema_version=envelope.schema_version,
        payload=json.loads(envelope.model_dump_json()),
        created_at=envelope.timestamp.isoformat(),
    )


class OutboxRelay:
    """Moves events from the outbox to the bus."""

    def __init__(
        self,
        store: CodegenStore,
        bus: EventBus,
        *,
        batch: int = 100,
        base_delay_s: float = 0.2,
        max_delay_s: float = 10.0,
    ) -> None:
        self.store = store
        self.bus = bus
        self.batch = batch
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self.delivered = 0

    async def publish(self, envelope: ModelEventEnvelope) -> None:
        """Write to the outbox, then try to deliver at once (a failure leaves it queued for the next flush)."""
        await self.store.outbox_add([outbox_record(envelope)])
        await self.flush_once()

    async def flush_once(self) -> int:
        """Deliver what is pending, oldest first, stopping at the first failure; returns how many were delivered."""
        delivered = 0
        while True:
            pending = await self.store.outbox_pending(self.batch)
            if not pending:
                return delivered
            sent: list[str] = []  # marked delivered together, in one statement (was one per event)
            try:
                for record in pending:
                    await self.bus.publish(ModelEventEnvelope.model_validate(record.payload))
                    sent.append(record.event_id)
            except ModelOnexError as error:
                await self.store.outbox_failed([record.event_id], error.message)
                return delivered + await self._delivered(sent)
            delivered += await self._delivered(sent)

    async def _delivered(self, event_ids: list[str]) -> int:
        if event_ids:
            await self.store.outbox_delivered(event_ids)
            self.delivered += len(event_ids)
        return len(event_ids)

    async def drain(self, *, timeout_s: float | None = None) -> int:
        """Deliver everything pending, retrying with backoff until the outbox is empty (or the time is up)."""
        delay = self.base_delay_s
        delivered = 0

        async def loop() -> None:
            nonlocal delay, delivered
            while True:
                delivered += await self.flush_once()
                if not await self.store.outbox_pending(1):
                    return
                emit_log_event(EnumLogLevel.WARNING, "event bus unavailable; retrying", {"retry_in_s": round(delay, 2)})
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_delay_s)

        if timeout_s is None:
            await loop()
        else:
            try:
                async with asyncio.timeout(timeout_s):
                    await loop()
            except TimeoutError:
                pass
        return delivered

    async def close(self) -> None:
        """Close the bus."""
        await self.bus.close()


__all__ = ["OutboxRelay", "outbox_record"]
