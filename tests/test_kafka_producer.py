"""nodegen's one Kafka producer, which the event bus publishes with and the work queue sends requests and dead letters
with, against the real Kafka-protocol broker: a broker that is down is the same ``EVENT_BUS_ERROR`` on every path,
the producer is replaced after a failure, and concurrent senders share one producer."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from nodegen.infra import kafka_producer
from nodegen.infra.bus import ModelEventEnvelope, topic_for
from nodegen.infra.bus_kafka import KafkaBus
from nodegen.infra.kafka_producer import KafkaProducer
from nodegen.onex import EnumCoreErrorCode, ModelOnexError
from tests.support.kafka import free_port

TIMEOUT_MS = 1500
Send = Callable[[str], Awaitable[object]]


def senders(bootstrap: str) -> dict[str, tuple[Send, Callable[[], Awaitable[None]]]]:
    """Each way nodegen sends to Kafka, as (send to a topic, close)."""
    bus = KafkaBus(bootstrap, request_timeout_ms=TIMEOUT_MS)
    queue = KafkaProducer(bootstrap, timeout_ms=TIMEOUT_MS)
    spread = KafkaProducer(bootstrap, timeout_ms=TIMEOUT_MS)

    async def publish(topic: str) -> None:
        await bus.publish(
            ModelEventEnvelope(event_type="outage", topic=topic, correlation_id=uuid.uuid4(), payload={"i": 1})
        )

    return {
        "event bus publish": (publish, bus.close),
        "work queue send (dead letters)": (lambda topic: queue.send(topic, b"{}", key="k"), queue.close),
        "work queue send_spread (requests)": (
            lambda topic: spread.send_spread(topic, [("a", b"1"), ("b", b"2")]),
            spread.close,
        ),
    }


SENDERS = list(senders("127.0.0.1:1"))


@pytest.mark.parametrize("path", SENDERS)
async def test_an_unreachable_broker_is_the_same_clear_error_on_every_path(path):
    bootstrap = f"127.0.0.1:{free_port()}"
    send, close = senders(bootstrap)[path]
    with pytest.raises(ModelOnexError) as raised:
        await send(topic_for("unreachable"))
    await close()
    assert raised.value.error_code is EnumCoreErrorCode.EVENT_BUS_ERROR
    assert raised.value.message.startswith(f"cannot reach Kafka at {bootstrap}: ")
    assert isinstance(raised.value.__cause__, KafkaError | OSError)


@pytest.mark.parametrize("path", SENDERS)
async def test_a_broker_stopped_mid_run_is_a_bus_error_and_the_next_send_after_it_returns_works(path, kafka_broker):
    send, close = senders(kafka_broker.bootstrap)[path]
    topic = topic_for(f"outage_{uuid.uuid4().hex[:8]}")
    try:
        await send(topic)  # the producer is started and knows the topic
        kafka_broker.stop()
        with pytest.raises(ModelOnexError) as raised:
            await send(topic)
        assert raised.value.error_code is EnumCoreErrorCode.EVENT_BUS_ERROR
        assert raised.value.message.startswith(f"sending to {topic} on {kafka_broker.bootstrap} failed: ")
        assert isinstance(raised.value.__cause__, KafkaError | OSError)
        kafka_broker.start()  # same port, empty memory
        await send(topic)  # a fresh producer: the failed one is not reused
    finally:
        await close()


async def test_concurrent_senders_share_one_producer(kafka_bootstrap, monkeypatch):
    started: list[AIOKafkaProducer] = []

    class Counted(AIOKafkaProducer):  # type: ignore[misc]
        async def start(self) -> None:
            started.append(self)
            await asyncio.sleep(0.05)  # a slow start: every sender arrives while it runs
            await super().start()

    monkeypatch.setattr(kafka_producer, "AIOKafkaProducer", Counted)
    producer = KafkaProducer(kafka_bootstrap)
    topic = topic_for(f"shared_{uuid.uuid4().hex[:8]}")
    try:
        offsets = await asyncio.gather(*(producer.send(topic, str(i).encode(), key=str(i)) for i in range(6)))
    finally:
        await producer.close()
    assert len(started) == 1
    assert len(offsets) == 6 and all(offset >= 0 for offset in offsets)
