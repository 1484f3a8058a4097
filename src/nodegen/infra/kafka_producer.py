"""The one Kafka producer of nodegen (aiokafka), used by the event bus and by the work queue alike.

Concurrent senders share one producer, started once under a lock. Whatever goes wrong talking to the broker
(aiokafka's ``KafkaError``, a socket's ``OSError``) is a ``ModelOnexError(EVENT_BUS_ERROR)`` naming the broker, and
the producer is dropped: it may be wedged after a broker outage, so the next send starts a fresh one. Every message
waits for all in-sync replicas (``acks="all"``); idempotent producing is off, since not every Kafka-protocol broker
supports it (the outbox and stable event ids give at-least-once delivery without it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from nodegen.onex import EnumCoreErrorCode, EnumLogLevel, ModelOnexError, emit_log_event

KAFKA_ERRORS: tuple[type[BaseException], ...] = (KafkaError, OSError)
_LINGER_MS = 5  # a few milliseconds of batching: events of one step go out together


def bus_error(message: str, error: BaseException) -> ModelOnexError:
    """``EVENT_BUS_ERROR`` saying what failed (``message``) and why (``error``, kept as the cause)."""
    return ModelOnexError(error_code=EnumCoreErrorCode.EVENT_BUS_ERROR, message=f"{message}: {error}", cause=error)


class KafkaProducer:
    """Keyed messages with headers, acknowledged by the broker; one producer for every concurrent sender, a fresh one
    after a failure."""

    def __init__(self, bootstrap: str, *, timeout_ms: int = 5000) -> None:
        self.bootstrap = bootstrap
        self.timeout_ms = timeout_ms
        self._producer: AIOKafkaProducer | None = None
        self._starting = asyncio.Lock()

    async def _started(self) -> AIOKafkaProducer:
        async with self._starting:
            if self._producer is None:
                producer = AIOKafkaProducer(
                    bootstrap_servers=self.bootstrap,
                    acks="all",
                    enable_idempotence=False,
                    request_timeout_ms=self.timeout_ms,
                    linger_ms=_LINGER_MS,
                )
                try:
                    await producer.start()
                except KAFKA_ERRORS as error:
                    await _stop(producer)
                    raise bus_error(f"cannot reach Kafka at {self.bootstrap}", error) from error
                self._producer = producer
            return self._producer

    async def _failed(self, producer: AIOKafkaProducer, topic: str, error: BaseException) -> ModelOnexError:
        """Drop ``producer`` (unless another sender replaced it already) and say what failed."""
        if self._producer is producer:
            self._producer = None
        await _stop(producer)
        return bus_error(f"sending to {topic} on {self.bootstrap} failed", error)

    async def send(self, topic: str, value: bytes, *, key: str, headers: Sequence[tuple[str, bytes]] = ()) -> int:
        """Send one message and wait for the broker; returns its offset."""
        producer = await self._started()
        try:
            metadata = await producer.send_and_wait(topic, value=value, key=key.encode(), headers=list(headers))
        except KAFKA_ERRORS as error:
            raise await self._failed(producer, topic, error) from error
        return int(metadata.offset)

    async def send_spread(self, topic: str, messages: Sequence[tuple[str, bytes]]) -> None:
        """Send ``(key, value)`` messages over the topic's partitions in turn (each member of a group gets its
        share, whatever the keys hash to), all at once, and wait until the broker has every one."""
        producer = await self._started()
        try:
            partitions = sorted(await producer.partitions_for(topic))
            turn = [partitions[i % len(partitions)] if partitions else None for i in range(len(messages))]
            sent = [
                await producer.send(topic, value=value, key=key.encode(), partition=partition)
                for (key, value), partition in zip(messages, turn, strict=True)
            ]
            await asyncio.gather(*sent)
        except KAFKA_ERRORS as error:
            raise await self._failed(producer, topic, error) from error

    async def close(self) -> None:
        """Flush and stop the producer (a later send starts a new one)."""
        async with self._starting:
            producer, self._producer = self._producer, None
        if producer is not None:
            await _stop(producer)


async def _stop(producer: AIOKafkaProducer) -> None:
    """Stop a producer; one that cannot flush to a lost broker is given up, logged, not raised."""
    try:
        await producer.stop()
    except KAFKA_ERRORS as error:
        emit_log_event(EnumLogLevel.DEBUG, "stopping a Kafka producer failed", {"error": str(error)})


__all__ = ["KAFKA_ERRORS", "KafkaProducer", "bus_error"]
