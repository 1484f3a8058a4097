"""What workers share in PostgreSQL (the run's budget, the answer cache, results applied once) and the dead-letter
topic, against the real database and broker, with a worker in this process."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from aiokafka import AIOKafkaConsumer

from nodegen.infra.bus import ModelEventEnvelope, topic_for
from nodegen.infra.kafka_producer import KafkaProducer
from nodegen.infra.store_postgres import PostgresStore
from nodegen.infra.work_store import ResultRow, WorkStore
from nodegen.llm import (
    CachedClient,
    LLMError,
    ModelCompletion,
    ModelCompletionRequest,
    ProviderCapabilities,
    ProviderIdentity,
    capabilities_for,
)
from nodegen.llm.budget import SharedRunBudget
from nodegen.llm.cache import SharedCompletionCache
from nodegen.llm.protocol import ModelChatMessage
from nodegen.worker import (
    DEAD_LETTER_TOPIC,
    REQUEST_TOPIC,
    ModelFillRequest,
    ModelFillResult,
    ModelWorkerOptions,
    Worker,
    content_hash,
)
from tests.support.llm_server import ScriptedLLMServer
from tests.support.workers import STUB, responder

IDENTITY = ProviderIdentity(provider="openai", model="m", endpoint="http://127.0.0.1:1/v1")


class CountingClient:
    """A provider that answers at once and counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    @property
    def identity(self) -> ProviderIdentity:
        return IDENTITY

    @property
    def capabilities(self) -> ProviderCapabilities:
        return capabilities_for(IDENTITY.provider)

    async def complete(self, request: ModelCompletionRequest) -> ModelCompletion:
        self.calls += 1
        return ModelCompletion(text="return 1", identity=IDENTITY, input_tokens=60, output_tokens=10, cost_usd=0.03)

    async def aclose(self) -> None:
        return None


@pytest.fixture
async def work(fresh_postgres_url):
    store = PostgresStore(fresh_postgres_url)
    await store.migrate()
    yield WorkStore(store)
    await store.close()


async def test_workers_starting_together_migrate_a_new_database_once(fresh_postgres_url):
    # CREATE TABLE IF NOT EXISTS from two sessions at once fails in one ("type ... already exists"): the worker
    # that lost exited with code 2 and never joined its group
    stores = [PostgresStore(fresh_postgres_url) for _ in range(8)]
    try:
        versions = await asyncio.gather(*(store.migrate() for store in stores))
        assert set(versions) == {await stores[0].schema_version()}
    finally:
        for store in stores:
            await store.close()


async def test_a_runs_budget_holds_across_workers(work):
    run = str(uuid.uuid4())
    first = SharedRunBudget(max_tokens=100, max_cost_usd=0.05, run_id=run, ledger=work)
    second = SharedRunBudget(max_tokens=100, max_cost_usd=0.05, run_id=run, ledger=work)
    answer = ModelCompletion(text="x", identity=IDENTITY, input_tokens=40, output_tokens=20, cost_usd=0.03)
    first.charge(answer)
    await first.flush()
    await second.refresh()
    assert second.tokens_spent == 60 and second.cost_usd == pytest.approx(0.03)
    second.check()  # 60 of 100 tokens: another call may start
    second.charge(answer)
    await second.flush()
    with pytest.raises(LLMError, match="budget is spent"):
        second.check()
    await first.refresh()  # the first worker sees the whole run's spending too
    assert first.tokens_spent == 120 and first.exhausted_reason() is not None
    other_run = SharedRunBudget(max_tokens=100, run_id=str(uuid.uuid4()), ledger=work)
    await other_run.refresh()
    assert other_run.tokens_spent == 0


async def test_answers_are_shared_by_every_worker(work):
    request = ModelCompletionRequest(system="s", messages=[ModelChatMessage(role="user", content="Implement `f`")])
    first, second = CountingClient(), CountingClient()
    one = CachedClient(first, SharedCompletionCache(work))
    other = CachedClient(second, SharedCompletionCache(work))
    assert (await one.complete(request)).cached is False
    again = await other.complete(request)
    assert again.cached and again.text == "return 1" and again.cost_usd == 0.0
    assert (first.calls, second.calls) == (1, 0)


async def test_a_result_is_stored_once_with_its_outbox_event(work):
    run, request_id = str(uuid.uuid4()), str(uuid.uuid4())
    row = ResultRow(request_id, run, "abc", "completed", "{}", "w1")
    event = ModelEventEnvelope(event_type="fill_completed", topic=topic_for("fill_completed"), payload={"n": 1})
    assert await work.record_result(row, [event])
    late = ModelEventEnvelope(event_type="fill_completed", topic=topic_for("fill_completed"), payload={"n": 2})
    assert not await work.record_result(ResultRow(request_id, run, "abc", "completed", "{}", "w2"), [late])
    assert [r.worker for r in await work.results(run)] == ["w1"]
    pending = await work.store.outbox_pending()
    assert [p.event_id for p in pending] == [str(event.event_id)]  # the late duplicate left no event behind


async def dead_letters(bootstrap: str, keys: set[str], timeout_s: float = 30.0) -> dict[str, dict[str, bytes]]:
    consumer = AIOKafkaConsumer(
        DEAD_LETTER_TOPIC, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest"
    )
    await consumer.start()
    found: dict[str, dict[str, bytes]] = {}
    try:
        async with asyncio.timeout(timeout_s):
            async for message in consumer:
                key = (message.key or b"").decode()
                if key in keys:
                    found[key] = dict(message.headers)
                    if set(found) == keys:
                        break
    finally:
        await consumer.stop()
    return found


async def test_poison_requests_reach_the_dead_letter_topic(tmp_path, work, fresh_postgres_url, kafka_broker):
    options = ModelWorkerOptions(
        bootstrap=kafka_broker.bootstrap,
        database_url=fresh_postgres_url,
        root=tmp_path / "work",
        project_dir=tmp_path,
        group_id=f"poison-{uuid.uuid4().hex[:8]}",
        max_failures=2,
        partitions=3,
        session_timeout_ms=1000,
        stop_grace_s=1.0,
    )
    text = "def f() -> int:\n    # IMPLEMENTATION REQUIRED\n    raise NotImplementedError\n"
    run = uuid.uuid4()
    # a setting no worker can take, on every try
    poison = ModelFillRequest(
        request_id=uuid.uuid4(),
        correlation_id=run,
        path="src/f.py",
        content_sha256=content_hash(text),
        text=text,
        settings={"max_attempts": 0},
    )
    producer = KafkaProducer(kafka_broker.bootstrap)
    garbage_key = f"garbage-{uuid.uuid4().hex[:8]}"
    await producer.send(REQUEST_TOPIC, poison.model_dump_json().encode(), key=str(poison.request_id))
    await producer.send(REQUEST_TOPIC, b"{not json", key=garbage_key)
    await producer.close()
    stop = asyncio.Event()
    running = asyncio.create_task(Worker(options).run(stop))
    try:
        found = await dead_letters(kafka_broker.bootstrap, {str(poison.request_id), garbage_key})
    finally:
        stop.set()
        await asyncio.wait_for(running, 20)
    assert found[str(poison.request_id)]["failures"] == b"2"
    assert b"max_attempts" in found[str(poison.request_id)]["last_error"]
    assert b"not a fill request" in found[garbage_key]["last_error"]
    stored = await work.result(str(poison.request_id))
    assert stored is not None and stored.status == "failed"
    assert "max_attempts" in json.loads(stored.result_json)["error"]


async def test_a_request_delivered_twice_is_filled_once(tmp_path, monkeypatch, work, fresh_postgres_url, kafka_broker):
    root = tmp_path / "work"
    root.mkdir()
    monkeypatch.chdir(root)  # as `nodegen worker` does: request files sit at their relative paths here
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-twice")
    text = STUB.format(i=3)
    async with ScriptedLLMServer(responder()) as server:
        options = ModelWorkerOptions(
            bootstrap=kafka_broker.bootstrap,
            database_url=fresh_postgres_url,
            root=root,
            project_dir=tmp_path,
            overrides={"llm_base_url": server.openai_url, "validation_run_examples": False},
            group_id=f"twice-{uuid.uuid4().hex[:8]}",
            partitions=3,
            session_timeout_ms=1000,
            stop_grace_s=1.0,
        )
        request = ModelFillRequest(
            request_id=uuid.uuid4(),
            correlation_id=uuid.uuid4(),
            path="src/f_03.py",
            content_sha256=content_hash(text),
            text=text,
            settings={"llm": "openai:test-model", "max_attempts": 1},
        )
        producer = KafkaProducer(kafka_broker.bootstrap)
        for _ in range(2):  # at least once: the same request may come again
            await producer.send(REQUEST_TOPIC, request.model_dump_json().encode(), key=str(request.request_id))
        await producer.close()
        worker = Worker(options)
        stop = asyncio.Event()
        running = asyncio.create_task(worker.run(stop))
        try:
            async with asyncio.timeout(40):
                while worker.handled < 2:
                    await asyncio.sleep(0.1)
        finally:
            stop.set()
            await asyncio.wait_for(running, 20)
        assert len(server.requests) == 1 and worker.answered_from_store == 1
    results = await work.results(str(request.correlation_id))
    assert len(results) == 1
    outcome = ModelFillResult.model_validate_json(results[0].result_json)
    assert outcome.result is not None and [s.status.value for s in outcome.result.stubs] == ["filled"]
    assert "return a + b + 3" in outcome.result.files[0].diff
    assert not (root / "src/f_03.py").exists()  # the worker's copy is removed after the run


async def test_a_stopped_worker_hands_its_request_back_to_another(
    tmp_path, monkeypatch, work, fresh_postgres_url, kafka_broker
):
    root = tmp_path / "work"
    root.mkdir()
    monkeypatch.chdir(root)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-handback")
    text = STUB.format(i=5)
    async with ScriptedLLMServer(responder(delay_s=1.5)) as server:

        def options(name: str) -> ModelWorkerOptions:
            return ModelWorkerOptions(
                bootstrap=kafka_broker.bootstrap,
                database_url=fresh_postgres_url,
                root=root,
                project_dir=tmp_path,
                overrides={"llm_base_url": server.openai_url, "validation_run_examples": False},
                group_id="handback",
                partitions=2,
                session_timeout_ms=1000,
                stop_grace_s=0.0,  # nothing may finish: what is in flight goes back
                worker_id=name,
            )

        request = ModelFillRequest(
            request_id=uuid.uuid4(),
            correlation_id=uuid.uuid4(),
            path="src/f_05.py",
            content_sha256=content_hash(text),
            text=text,
            settings={"llm": "openai:test-model", "max_attempts": 1},
        )
        producer = KafkaProducer(kafka_broker.bootstrap)
        await producer.send(REQUEST_TOPIC, request.model_dump_json().encode(), key=str(request.request_id))
        await producer.close()
        first_stop, second_stop = asyncio.Event(), asyncio.Event()
        first = asyncio.create_task(Worker(options("first")).run(first_stop))
        async with asyncio.timeout(30):
            while not server.requests:  # the first worker is waiting for the model's answer
                await asyncio.sleep(0.05)
        first_stop.set()
        await asyncio.wait_for(first, 20)
        assert await work.result(str(request.request_id)) is None  # not finished, not committed
        second = Worker(options("second"))
        running = asyncio.create_task(second.run(second_stop))
        try:
            async with asyncio.timeout(40):
                while await work.result(str(request.request_id)) is None:
                    await asyncio.sleep(0.1)
        finally:
            second_stop.set()
            await asyncio.wait_for(running, 20)
    stored = await work.result(str(request.request_id))
    assert stored is not None and stored.worker == "second" and stored.status == "completed"
    assert len(server.requests) == 2  # asked again by the member that took the request over


def test_every_setting_a_request_carries_is_a_setting():
    from nodegen.settings import NodegenSettings
    from nodegen.worker import REQUEST_SETTINGS

    assert set(REQUEST_SETTINGS) <= set(NodegenSettings.model_fields)
    assert not {"llm_base_url", "llm_api_key", "database_url", "kafka_bootstrap"} & set(REQUEST_SETTINGS)
