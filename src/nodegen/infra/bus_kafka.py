"""The event bus on Kafka (aiokafka): JSON values keyed by correlation id, headers with the event's id, type and
schema version. Idempotent producing is off (not every Kafka-protocol broker supports it); the outbox gives
at-least-once delivery and the stable event id lets consumers de-duplicate."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from nodegen.onex import EnumCoreErrorCode, ModelOnexError

from .bus import ModelEventEnvelope


class KafkaBus:
    """Publishes envelopes to a Kafka cluster."""

    def __init__(self, bootstrap: str, *, request_timeout_ms: int = 5000) -> None:
        self.bootstrap = bootstrap
        self._timeout_ms = request_timeout_ms
        self._producer: AIOKafkaProducer | None = None
        self._starting = asyncio.Lock()  # concurrent publishers share one producer

    async def _started(self) -> AIOKafkaProducer:
        async with self._starting:
            return await self._start()

    async def _start(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = AIOKafkaProducer(
                bootstrap_servers=self.bootstrap,
                acks="all",
                enable_idempotence=False,
                request_timeout_ms=self._timeout_ms,
                linger_ms=5,
            )
            try:
                await producer.start()
            except (KafkaError, OSError) as error:
                await producer.stop()
                raise ModelOnexError(
                    error_code=EnumCoreErrorCode.EVENT_BUS_ERROR,
                    message=f"cannot reach Kafka at {self.bootstrap}: {error}",
                    cause=error,
                ) from error
            self._producer = producer
        return self._producer

    async def publish(self, envelope: ModelEventEnvelope) -> None:
        """Send and wait for the broker's acknowledgement."""
        producer = await self._started()
        headers = [
            ("event_id", str(envelope.event_id).encode()),
            ("event_type", envelope.event_type.encode()),
            ("schema_version", envelope.schema_version.encode()),
        ]
        try:
            await producer.send_and_wait(
                envelope.topic,
                value=envelope.model_dump_json().encode(),
                key=envelope.key.encode(),
                headers=headers,
            )
        except (KafkaError, OSError) as error:
            # the producer may be wedged after a broker outage: start a fresh one next time
            self._producer = None
            await producer.stop()
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.EVENT_BUS_ERROR,
                message=f"publishing {envelope.event_type} to {envelope.topic} failed: {error}",
                cause=error,
            ) from error

    async def close(self) -> None:
        """Flush and stop the producer."""
        if self._producer is not None:
            producer, self._producer = self._producer, None
            await producer.stop()


__all__ = ["KafkaBus"]
