"""The event bus on Kafka: JSON values keyed by correlation id, headers with the event's id, type and schema
version, sent through nodegen's one Kafka producer (``kafka_producer``: shared by concurrent publishers, errors as
``EVENT_BUS_ERROR``, a fresh producer after a failure). The outbox gives at-least-once delivery and the stable event id
lets consumers de-duplicate."""

from __future__ import annotations

from .bus import ModelEventEnvelope
from .kafka_producer import KafkaProducer


class KafkaBus:
    """Publishes envelopes to a Kafka cluster."""

    def __init__(self, bootstrap: str, *, request_timeout_ms: int = 5000) -> None:
        self.bootstrap = bootstrap
        self._producer = KafkaProducer(bootstrap, timeout_ms=request_timeout_ms)

    async def publish(self, envelope: ModelEventEnvelope) -> None:
        """Send and wait for the broker's acknowledgement (``EVENT_BUS_ERROR`` when it does not come)."""
        headers = [
            ("event_id", str(envelope.event_id).encode()),
            ("event_type", envelope.event_type.encode()),
            ("schema_version", envelope.schema_version.encode()),
        ]
        await self._producer.send(
            envelope.topic, envelope.model_dump_json().encode(), key=envelope.key, headers=headers
        )

    async def close(self) -> None:
        """Flush and stop the producer."""
        await self._producer.close()


__all__ = ["KafkaBus"]
