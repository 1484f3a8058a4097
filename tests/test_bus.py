"""The event bus: in-process, and Kafka against a real Kafka-protocol broker, with the outbox across an outage."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from aiokafka import AIOKafkaConsumer

from nodegen.infra.bus import InProcessBus, ModelEventEnvelope, topic_for
from nodegen.infra.bus_kafka import KafkaBus
from nodegen.infra.outbox import OutboxRelay
from nodegen.infra.store import open_store
from nodegen.onex import EnumCoreErrorCode, ModelOnexError

RUN = uuid.UUID("00000000-0000-4000-8000-00000000abcd")


def envelope(i: int, event_type: str = "generation_started") -> ModelEventEnvelope:
    return ModelEventEnvelope(event_type=event_type, topic=topic_for(event_type), correlation_id=RUN, payload={"i": i})


async def consume(bootstrap: str, topic: str, count: int, timeout_s: float = 20.0) -> list:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"test-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
        session_timeout_ms=1000,
        heartbeat_interval_ms=300,
    )
    await consumer.start()
    messages = []
    try:
        async with asyncio.timeout(timeout_s):
            async for message in consumer:
                messages.append(message)
                if len(messages) >= count:
                    break
    finally:
        await consumer.stop()
    return messages


def test_topics_follow_the_onex_naming():
    assert topic_for("generation_started") == "onex.codegen.generation_started.v1"


async def test_the_in_process_bus_delivers_by_topic_and_to_wildcards():
    bus = InProcessBus()
    seen: list[str] = []

    async def on_topic(event):
        seen.append("topic:" + event.event_type)

    async def on_all(event):
        seen.append("all:" + event.event_type)

    bus.subscribe(topic_for("generation_started"), on_topic)
    bus.subscribe("*", on_all)
    await bus.publish(envelope(1))
    await bus.publish(envelope(2, "stage_completed"))
    assert seen == ["topic:generation_started", "all:generation_started", "all:stage_completed"]
    assert len(bus.published) == 2


async def test_kafka_events_are_keyed_by_correlation_id_with_typed_headers(kafka_bootstrap):
    bus = KafkaBus(kafka_bootstrap)
    topic = topic_for(f"test_{uuid.uuid4().hex[:8]}")
    sent = ModelEventEnvelope(event_type="generation_started", topic=topic, correlation_id=RUN, payload={"files": 2})
    await bus.publish(sent)
    await bus.close()
    (message,) = await consume(kafka_bootstrap, topic, 1)
    assert message.key == str(RUN).encode()
    headers = dict(message.headers)
    assert headers["event_type"] == b"generation_started" and headers["schema_version"] == b"1.0"
    assert headers["event_id"] == str(sent.event_id).encode()
    assert ModelEventEnvelope.model_validate(json.loads(message.value)) == sent


async def test_an_unreachable_broker_is_a_clear_error():
    bus = KafkaBus("127.0.0.1:1", request_timeout_ms=1000)
    with pytest.raises(ModelOnexError) as raised:
        await bus.publish(envelope(1))
    assert raised.value.error_code is EnumCoreErrorCode.EVENT_BUS_ERROR and "127.0.0.1:1" in raised.value.message


async def test_events_published_while_the_broker_is_down_all_arrive_after_it_returns(kafka_broker, tmp_path):
    store = open_store(None, tmp_path)
    await store.migrate()
    relay = OutboxRelay(store, KafkaBus(kafka_broker.bootstrap, request_timeout_ms=1500), base_delay_s=0.1)
    topic = topic_for("outage")
    events = [ModelEventEnvelope(event_type="outage", topic=topic, correlation_id=RUN, payload={"i": i}) for i in range(6)]
    await relay.publish(events[0])
    assert relay.delivered == 1
    kafka_broker.stop()
    for event in events[1:]:
        await relay.publish(event)  # queued: the broker is down
    assert len(await store.outbox_pending()) == 5
    kafka_broker.start()  # same port, empty memory
    delivered = await relay.drain(timeout_s=30)
    assert delivered == 5 and await store.outbox_pending() == []
    await relay.close()
    messages = await consume(kafka_broker.bootstrap, topic, 5)
    ids = [json.loads(m.value)["event_id"] for m in messages]
    assert ids == [str(e.event_id) for e in events[1:]]  # every one, in order
    await store.close()
