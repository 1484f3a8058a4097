"""The work queue of `nodegen worker` on Kafka: a request topic with many partitions, consumed by a group.

At least once: offsets are committed by hand, per partition, only up to the first message not yet finished, so a
worker that dies leaves everything it had not finished uncommitted and the member that takes its partitions over
after the rebalance receives those messages again. Requests are applied once because their results are stored by
request id (see ``work_store``). Requests are sent with ``kafka_producer.KafkaProducer``, the event bus's producer.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError
from aiokafka.structs import ConsumerRecord

from nodegen.onex import EnumCoreErrorCode, EnumLogLevel, ModelOnexError, emit_log_event

from .kafka_producer import KAFKA_ERRORS, bus_error

_TOPIC_EXISTS = 36  # Kafka's TOPIC_ALREADY_EXISTS


async def ensure_topic(bootstrap: str, topic: str, partitions: int, *, timeout_ms: int = 5000) -> None:
    """Create ``topic`` with ``partitions`` partitions unless it exists (a topic a broker created by itself may have
    fewer: the group then spreads over those)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=timeout_ms)
    try:
        await admin.start()
        response = await admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)])
    except KAFKA_ERRORS as error:
        raise bus_error(f"cannot create the topic {topic} on {bootstrap}", error) from error
    finally:
        await admin.close()
    for _, code, message in getattr(response, "topic_errors", []):
        if code not in (0, _TOPIC_EXISTS):
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.EVENT_BUS_ERROR,
                message=f"the broker refused to create {topic}: {message} (error {code})",
            )


@dataclass
class _Partition:
    """Offsets of one partition being worked on."""

    started: set[int] = field(default_factory=set)
    finished: set[int] = field(default_factory=set)
    committed: int = -1  # the next offset to read, as last committed


class GroupConsumer:
    """A member of a consumer group that commits only what is finished, in order.

    ``fetch`` returns messages to work on (none while ``busy``); ``finished`` marks one done and commits as far as
    every earlier message of its partition is done. When partitions are taken away (a rebalance), the work on them
    is given ``revoke_grace_s`` to finish; what is then still running is handed back uncommitted (``revoked`` says
    which messages), and the new owner receives it again.
    """

    def __init__(
        self,
        bootstrap: str,
        topic: str,
        group_id: str,
        *,
        session_timeout_ms: int = 10_000,
        heartbeat_interval_ms: int = 3000,
        max_poll_interval_ms: int = 300_000,
        revoke_grace_s: float = 5.0,
    ) -> None:
        self.topic = topic
        self.revoke_grace_s = revoke_grace_s
        self._partitions: dict[TopicPartition, _Partition] = {}
        self._idle = asyncio.Event()
        self._idle.set()
        self.revoked: set[tuple[int, int]] = set()  # (partition, offset) handed back in the last rebalance
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap,
            group_id=group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=session_timeout_ms,
            heartbeat_interval_ms=heartbeat_interval_ms,
            rebalance_timeout_ms=max(session_timeout_ms * 2, 2000),
            max_poll_interval_ms=max_poll_interval_ms,
            metadata_max_age_ms=max(session_timeout_ms, 2000),
            retry_backoff_ms=200,
            fetch_max_wait_ms=100,  # a broker may hold a fetch this long before it answers that nothing came
        )
        owner = self

        class _Listener(ConsumerRebalanceListener):  # type: ignore[misc]
            async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
                await owner._on_revoked(revoked)

            async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
                emit_log_event(
                    EnumLogLevel.INFO, "partitions assigned", {"partitions": sorted(p.partition for p in assigned)}
                )

        self._listener = _Listener()

    async def start(self) -> None:
        """Join the group (``EVENT_BUS_ERROR`` when the broker cannot be reached)."""
        try:
            await self._consumer.start()
            self._consumer.subscribe([self.topic], listener=self._listener)
        except KAFKA_ERRORS as error:
            raise bus_error(f"cannot join the consumer group on {self.topic}", error) from error

    @property
    def in_flight(self) -> int:
        """Messages started and not finished."""
        return sum(len(p.started - p.finished) for p in self._partitions.values())

    async def fetch(self, limit: int, *, timeout_ms: int = 200) -> list[ConsumerRecord[bytes, bytes]]:
        """Up to ``limit`` new messages (with 0, the group is still polled, so the member stays in it)."""
        assignment = self._consumer.assignment()
        if limit <= 0:
            self._consumer.pause(*assignment)
        else:
            self._consumer.resume(*assignment)
        try:
            batches = await self._consumer.getmany(timeout_ms=timeout_ms, max_records=max(limit, 1))
        except KafkaError as error:
            emit_log_event(EnumLogLevel.WARNING, "the broker is unavailable; retrying", {"error": str(error)})
            await asyncio.sleep(timeout_ms / 1000)
            return []
        messages = [message for batch in batches.values() for message in batch]
        for message in messages:
            tp = TopicPartition(message.topic, message.partition)
            self._partitions.setdefault(tp, _Partition()).started.add(message.offset)
        if messages:
            self._idle.clear()
        return messages

    async def finished(self, message: ConsumerRecord[bytes, bytes]) -> None:
        """Mark a message done and commit what is done in order."""
        tp = TopicPartition(message.topic, message.partition)
        state = self._partitions.get(tp)
        if state is None or message.offset not in state.started:
            return  # handed back in a rebalance: the new owner has it
        state.finished.add(message.offset)
        await self._commit(tp, state)
        if not self.in_flight:
            self._idle.set()

    async def _commit(self, tp: TopicPartition, state: _Partition) -> None:
        done = sorted(state.finished)
        pending = sorted(state.started - state.finished)
        upto = -1
        for offset in done:
            if pending and offset > pending[0]:
                break
            upto = offset
        if upto < 0 or upto + 1 <= state.committed:
            return
        try:
            await self._consumer.commit({tp: upto + 1})
        except KAFKA_ERRORS as error:  # redone after a rebalance, answered from the store: no harm
            emit_log_event(
                EnumLogLevel.WARNING, "offset commit failed", {"partition": tp.partition, "error": str(error)}
            )
            return
        state.committed = upto + 1
        state.started = {offset for offset in state.started if offset > upto}
        state.finished = {offset for offset in state.finished if offset > upto}

    async def _on_revoked(self, revoked: list[TopicPartition]) -> None:
        gone = [tp for tp in revoked if tp in self._partitions]
        if not gone:
            return
        deadline = asyncio.get_running_loop().time() + self.revoke_grace_s
        while asyncio.get_running_loop().time() < deadline and any(
            self._partitions[tp].started - self._partitions[tp].finished for tp in gone
        ):
            await asyncio.sleep(0.05)
        for tp in gone:
            state = self._partitions.pop(tp)
            self.revoked |= {(tp.partition, offset) for offset in state.started - state.finished}
        if not self.in_flight:
            self._idle.set()

    def is_revoked(self, message: ConsumerRecord[bytes, bytes]) -> bool:
        """Whether a message's partition was taken away while it ran (its work is handed back)."""
        return (message.partition, message.offset) in self.revoked

    async def wait_idle(self, timeout_s: float) -> bool:
        """Wait until nothing is in flight; False when the time ran out first."""
        try:
            async with asyncio.timeout(timeout_s):
                await self._idle.wait()
        except TimeoutError:
            return False
        return True

    async def stop(self) -> None:
        """Leave the group (its partitions go to the other members at once)."""
        try:
            await self._consumer.stop()
        except KAFKA_ERRORS as error:
            emit_log_event(EnumLogLevel.WARNING, "leaving the consumer group failed", {"error": str(error)})
        except asyncio.CancelledError:
            # aiokafka's close cancels a fetch still retrying a lost broker and awaits it: that task's
            # cancellation surfaces here (after a broker restart the worker exited 1 on SIGTERM, its producers
            # left open). Ours is passed on.
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise
            emit_log_event(EnumLogLevel.WARNING, "leaving the consumer group was cut short", {"error": "cancelled"})


__all__ = ["GroupConsumer", "ensure_topic"]
