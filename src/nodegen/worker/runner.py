"""`nodegen worker`: a member of a consumer group on the request topic that fills each request as a dry run, stores
the result with its outbox event in one transaction, and only then commits the request's offset; the worker's relay
publishes the event at once (and again after a broker outage: the outbox keeps it until the broker has it).

- A request already answered (its id in the store) is not filled again: its offset is committed.
- A request that fails is tried again with backoff; after ``worker_max_failures`` failures it goes to the
  dead-letter topic with its last error, and a ``fill_failed`` result is stored. A message that is not a request at
  all goes there at once.
- A broker or database outage is not a failure of the request: it is waited out with backoff (and so are the
  attempts and metrics the orchestrator stores at the end of a request: see ``PatientStore``).
- SIGTERM stops fetching, gives the work in flight ``worker_stop_grace_s`` to finish and hands the rest back
  uncommitted (another member redoes it); partitions taken away by a rebalance are handed back the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aiokafka.structs import ConsumerRecord
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from nodegen.infra.bus import ModelEventEnvelope
from nodegen.infra.bus_kafka import KafkaBus
from nodegen.infra.kafka_producer import KafkaProducer
from nodegen.infra.outbox import OutboxRelay
from nodegen.infra.work_queue import GroupConsumer, ensure_topic
from nodegen.infra.work_store import ResultRow, WorkStore
from nodegen.onex import EnumCoreErrorCode, EnumLogLevel, ModelOnexError, emit_log_event

from .fill import RequestFiller
from .models import (
    COMPLETED_TOPIC,
    DEAD_LETTER_TOPIC,
    FAILED_TOPIC,
    REQUEST_TOPIC,
    STARTED_TOPIC,
    EnumFillStatus,
    ModelFillRequest,
    ModelFillResult,
)
from .outage import PatientStore, is_transient, patiently

_PREFETCH = 4  # requests in flight per call slot


class ModelWorkerOptions(BaseModel):
    """How a worker runs (the ``worker_*`` settings and the command's options)."""

    model_config = ConfigDict(frozen=True)

    bootstrap: str
    database_url: str
    root: Path = Field(description="The worker's own folder: request files are put here while they are filled")
    project_dir: Path = Field(description="Where the worker's settings come from")
    overrides: dict[str, Any] = Field(default_factory=dict, description="Settings of the worker's own")
    group_id: str = "nodegen-workers"
    concurrency: int = Field(default=4, ge=1)
    max_failures: int = Field(default=3, ge=1)
    partitions: int = Field(default=12, ge=1)
    session_timeout_ms: int = Field(default=10_000, ge=500)
    stop_grace_s: float = Field(default=30.0, ge=0.0)
    worker_id: str = Field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")


class Worker:
    """One worker process's loop."""

    def __init__(self, options: ModelWorkerOptions) -> None:
        self.options = options
        self.store = PatientStore(options.database_url, max_size=2 * options.concurrency + 4)  # requests + relay
        self.work = WorkStore(self.store)
        self.relay = OutboxRelay(self.store, KafkaBus(options.bootstrap))
        self._flushing = asyncio.Lock()  # one delivery of the outbox at a time (concurrent ones send rows twice)
        self._stored = asyncio.Event()  # a result (and its event) was stored: deliver now
        self.live = KafkaBus(options.bootstrap)  # started events: progress only, not worth an outbox row
        self._background: set[asyncio.Task[None]] = set()
        self._working: dict[str, asyncio.Event] = {}  # request ids being filled here
        self.answered_from_store = 0
        self.producer = KafkaProducer(options.bootstrap)
        self.consumer = GroupConsumer(
            options.bootstrap,
            REQUEST_TOPIC,
            options.group_id,
            session_timeout_ms=options.session_timeout_ms,
            heartbeat_interval_ms=max(100, options.session_timeout_ms // 4),
            revoke_grace_s=min(options.stop_grace_s, options.session_timeout_ms / 1000),
        )
        self.filler = RequestFiller(
            root=options.root,
            project_dir=options.project_dir,
            overrides=options.overrides,
            store=self.store,
            work=self.work,
            concurrency=options.concurrency,
            worker=options.worker_id,
        )
        self.handled = 0

    async def run(self, stop: asyncio.Event) -> None:
        """Work until ``stop`` is set, then stop gracefully."""
        options = self.options
        await patiently(self.store.migrate, "migrating the database")
        await patiently(lambda: ensure_topic(options.bootstrap, REQUEST_TOPIC, options.partitions), "the topic")
        await patiently(self.consumer.start, "joining the consumer group")
        emit_log_event(EnumLogLevel.INFO, "worker started", {"worker": options.worker_id, "group": options.group_id})
        tasks: dict[asyncio.Task[None], ConsumerRecord[bytes, bytes]] = {}
        relay = asyncio.create_task(self._relay(stop))
        try:
            while not stop.is_set():
                # four times as many requests as call slots: model calls never wait for a request to be fetched
                # (measured with 4 workers against a 300 ms model: 2x gave 14 stubs/s, 4x 31)
                free = _PREFETCH * options.concurrency - len(tasks)
                for message in await self.consumer.fetch(free, timeout_ms=200 if free else 50):
                    task = asyncio.create_task(self._handle(message))
                    tasks[task] = message
                    task.add_done_callback(lambda done: tasks.pop(done, None))
                for task, message in list(tasks.items()):
                    if self.consumer.is_revoked(message):
                        task.cancel()  # handed back: the partition's new owner redoes it
            await self._stop(tasks)
        finally:
            relay.cancel()
            for task in [*tasks, *self._background]:
                task.cancel()
            await self.consumer.stop()
            await self.relay.drain(timeout_s=2.0)
            await self.relay.close()
            await self.live.close()
            await self.producer.close()
            await self.filler.aclose()
            await self.store.close()

    async def _stop(self, tasks: dict[asyncio.Task[None], ConsumerRecord[bytes, bytes]]) -> None:
        """Finish what is in flight within the grace period (still polling, to stay in the group); hand back the
        rest uncommitted."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.options.stop_grace_s
        while tasks and loop.time() < deadline:
            await self.consumer.fetch(0, timeout_ms=100)
        for task in list(tasks):
            task.cancel()
        emit_log_event(EnumLogLevel.INFO, "worker stopped", {"handed_back": len(tasks), "handled": self.handled})

    async def _relay(self, stop: asyncio.Event) -> None:
        """Deliver the outbox: at once when a result was stored, else every half second (what an outage left)."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.5):
                    await self._stored.wait()
            self._stored.clear()
            await self._flush()

    async def _flush(self) -> None:
        async with self._flushing:
            try:
                await self.relay.flush_once()
            except ModelOnexError as error:
                emit_log_event(EnumLogLevel.WARNING, "the outbox could not be read", {"error": error.message})

    async def _handle(self, message: ConsumerRecord[bytes, bytes]) -> None:
        try:
            try:
                request = ModelFillRequest.model_validate_json(message.value or b"")
            except ValidationError as error:
                await self._dead_letter(message, f"not a fill request: {error}", failures=1)
            else:
                await self._fill(message, request)
        except ModelOnexError as error:  # the store refused a statement: left uncommitted, redone after a restart
            emit_log_event(EnumLogLevel.ERROR, "request left uncommitted", {"error": error.message})
            return
        await self.consumer.finished(message)
        self.handled += 1

    async def _fill(self, message: ConsumerRecord[bytes, bytes], request: ModelFillRequest) -> None:
        """Fill a request once: a copy that arrives while this worker works on it waits, then finds the result."""
        request_id = str(request.request_id)
        while request_id in self._working:
            await self._working[request_id].wait()
        done = self._working[request_id] = asyncio.Event()
        try:
            await self._fill_once(message, request)
        finally:
            del self._working[request_id]
            done.set()

    async def _fill_once(self, message: ConsumerRecord[bytes, bytes], request: ModelFillRequest) -> None:
        request_id = str(request.request_id)
        failures = 0
        delay = 0.2
        while True:
            try:
                stored = await patiently(lambda: self.work.result(request_id), "reading the store")
                if stored is not None:
                    if stored.content_hash != request.content_sha256:
                        raise ModelOnexError(
                            error_code=EnumCoreErrorCode.VALIDATION_ERROR,
                            message=f"request {request_id} was answered for another text of {request.path}",
                        )
                    self.answered_from_store += 1
                    return  # answered from the store: applied once
                await self._started(request)
                filled = await self.filler.fill(request, failures=failures)
                await patiently(lambda: self._record(*filled), "storing the result")  # noqa: B023 - awaited here
                return
            except ModelOnexError as error:
                if is_transient(error):
                    emit_log_event(EnumLogLevel.WARNING, "outage while filling; retrying", {"error": error.message})
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 10.0)
                    continue
                last_error = error.message
            except Exception as error:
                last_error = f"{type(error).__name__}: {error}"
            failures = await self._count_failure(request_id, last_error)
            emit_log_event(
                EnumLogLevel.WARNING,
                "request failed",
                {"request_id": request_id, "path": request.path, "failures": failures, "error": last_error},
            )
            if failures >= self.options.max_failures:
                await self._dead_letter(message, last_error, failures=failures, request=request)
                return
            await asyncio.sleep(min(0.2 * 2**failures, 10.0))

    async def _count_failure(self, request_id: str, error: str) -> int:
        return await patiently(lambda: self.work.count_failure(request_id, error), "counting a failure")

    async def _started(self, request: ModelFillRequest) -> None:
        envelope = ModelEventEnvelope(
            event_type="fill_started",
            topic=STARTED_TOPIC,
            correlation_id=request.correlation_id,
            payload={"request_id": str(request.request_id), "path": request.path, "worker": self.options.worker_id},
        )

        async def publish() -> None:
            try:
                await self.live.publish(envelope)
            except ModelOnexError as error:
                emit_log_event(EnumLogLevel.DEBUG, "fill_started not published", {"error": error.message})

        task = asyncio.create_task(publish())  # progress only: the request does not wait for it
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _record(self, result: ModelFillResult, events: Sequence[ModelEventEnvelope] = ()) -> None:
        """The result, its event and its run's lifecycle ``events`` in one transaction, then the events to the
        broker (the outbox keeps them when the broker is away)."""
        completed = result.status is EnumFillStatus.COMPLETED
        stubs = result.result.stubs if result.result is not None else []
        event = ModelEventEnvelope(
            event_type="fill_completed" if completed else "fill_failed",
            topic=COMPLETED_TOPIC if completed else FAILED_TOPIC,
            correlation_id=result.correlation_id,
            payload={
                "request_id": str(result.request_id),
                "path": result.path,
                "status": result.status.value,
                "stubs": len(stubs),
                "stubs_filled": sum(1 for stub in stubs if stub.status.value == "filled"),
                "error": result.error,
                "worker": result.worker,
            },
        )
        row = ResultRow(
            request_id=str(result.request_id),
            run_id=str(result.correlation_id),
            content_hash=result.content_sha256,
            status=result.status.value,
            result_json=result.model_dump_json(),
            worker=result.worker,
        )
        if await self.work.record_result(row, [*events, event]):
            self._stored.set()  # the relay publishes it; the request's slot is free at once

    async def _dead_letter(
        self,
        message: ConsumerRecord[bytes, bytes],
        error: str,
        *,
        failures: int,
        request: ModelFillRequest | None = None,
    ) -> None:
        """The message to the dead-letter topic with its last error; a request's failure stored as its result."""
        headers = [
            ("last_error", error[:4000].encode()),
            ("failures", str(failures).encode()),
            ("source", f"{message.topic}/{message.partition}/{message.offset}".encode()),
        ]
        key = (message.key or b"").decode("utf-8", "replace") or f"{message.partition}-{message.offset}"
        await patiently(
            lambda: self.producer.send(DEAD_LETTER_TOPIC, message.value or b"", key=key, headers=headers),
            "dead-lettering a request",
        )
        emit_log_event(EnumLogLevel.ERROR, "request dead-lettered", {"source": headers[2][1].decode(), "error": error})
        if request is not None:
            failed = ModelFillResult(
                request_id=request.request_id,
                correlation_id=request.correlation_id,
                path=request.path,
                content_sha256=request.content_sha256,
                status=EnumFillStatus.FAILED,
                error=error,
                failures=failures,
                worker=self.options.worker_id,
            )
            await patiently(lambda: self._record(failed), "storing the failure")


__all__ = ["ModelWorkerOptions", "Worker", "is_transient", "patiently"]
