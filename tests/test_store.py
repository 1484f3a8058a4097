"""The database on SQLite and on a real PostgreSQL server: one schema, migrations, attempts, metrics, outbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from nodegen.infra.store import CodegenStore, ModelOutboxRecord, open_store
from nodegen.infra.store_schema import latest_version
from nodegen.nodes.codegen_code_generator_effect.v1_0_0.models import EnumAttemptOutcome, ModelGenerationEvent
from nodegen.onex import EnumCoreErrorCode, ModelOnexError


@pytest.fixture(params=["sqlite", "postgresql"])
async def store(request, tmp_path):
    if request.param == "sqlite":
        opened = open_store(None, tmp_path / ".nodegen")
    else:
        opened = open_store(request.getfixturevalue("fresh_postgres_url"), tmp_path)
    await opened.migrate()
    yield opened
    await opened.close()


def _event(i: int, **changes) -> dict:
    return ModelGenerationEvent(
        timestamp=datetime(2026, 11, 26, tzinfo=UTC) + timedelta(seconds=i),
        qualified_name=f"A.m{i}",
        attempt=1,
        provider="openai",
        model="gpt-4o-mini",
        prompt_tokens=10 * i,
        completion_tokens=i,
        latency_ms=1.5 * i,
        cost_usd=None if i == 2 else 0.001 * i,
        outcome=EnumAttemptOutcome.VALID,
        finding_codes=["F821"] if i == 1 else [],
        prompt_hash="a" * 64,
        **changes,
    ).model_dump(mode="json")


async def test_migrations_are_applied_once_and_recorded(store: CodegenStore):
    assert await store.schema_version() == latest_version()
    assert await store.migrate() == latest_version()  # again: nothing to do
    assert await store.schema_version() == latest_version()


async def test_attempts_round_trip_and_are_not_duplicated(store: CodegenStore):
    events = [_event(i) for i in range(1, 4)]
    await store.record_attempts(events)
    await store.record_attempts(events[:1])  # delivered twice: kept once
    stored = await store.attempts()
    assert len(stored) == 3
    for original, back in zip(events, stored, strict=True):
        assert ModelGenerationEvent.model_validate(back) == ModelGenerationEvent.model_validate(original)
    assert stored[1]["cost_usd"] is None and stored[0]["finding_codes"] == ["F821"]
    since = await store.attempts(since=events[2]["timestamp"])
    assert [row["qualified_name"] for row in since] == ["A.m3"]


async def test_metrics_snapshots_are_stored_and_replaced_by_id(store: CodegenStore):
    await store.record_metrics("snap-1", "run-1", {"stubs_total": 3, "stubs_filled": 2, "total_tokens": 7, "cost_usd": None})
    await store.record_metrics("snap-1", "run-1", {"stubs_total": 3, "stubs_filled": 3, "total_tokens": 9, "cost_usd": 0.5})
    (snapshot,) = await store.metrics_snapshots()
    assert snapshot["metrics"]["stubs_filled"] == 3 and snapshot["correlation_id"] == "run-1"


async def test_the_outbox_keeps_events_until_delivered(store: CodegenStore):
    records = [
        ModelOutboxRecord(event_id=f"e{i}", topic="onex.codegen.x.v1", event_key="k", event_type="x", payload={"i": i})
        for i in range(3)
    ]
    await store.outbox_add(records)
    await store.outbox_add(records[:1])
    assert [r.event_id for r in await store.outbox_pending()] == ["e0", "e1", "e2"]
    await store.outbox_failed(["e0"], "broker down")
    await store.outbox_delivered(["e1"])
    pending = await store.outbox_pending()
    assert [r.event_id for r in pending] == ["e0", "e2"]
    assert pending[0].delivery_attempts == 1 and pending[0].last_error == "broker down"
    assert pending[0].payload == {"i": 0}


async def test_artifacts_are_recorded(store: CodegenStore):
    await store.record_artifact("a1", file_path="out/node.py", artifact_type="node_file", size_bytes=12, sha256="f" * 64)
    assert (await store.artifacts())[0]["file_path"] == "out/node.py"


async def test_a_database_from_a_newer_nodegen_is_refused(store: CodegenStore):
    await store._execute("INSERT INTO schema_migrations VALUES (?, ?)", (999, "2030-01-01"))
    with pytest.raises(ModelOnexError) as raised:
        await store.migrate()
    assert raised.value.error_code is EnumCoreErrorCode.MIGRATION_ERROR


async def test_an_unreachable_postgres_is_a_clear_error(tmp_path):
    store = open_store("postgresql://nobody:secret@127.0.0.1:1/none", tmp_path)
    with pytest.raises(ModelOnexError) as raised:
        await store.migrate()
    assert raised.value.error_code is EnumCoreErrorCode.DATABASE_CONNECTION_ERROR
    assert "secret" not in raised.value.message and "127.0.0.1:1/none" in raised.value.message


def test_sqlite_never_imports_asyncpg(tmp_path):
    # A plain `pip install .` user on SQLite must not pay for (or depend on) the PostgreSQL driver.
    import subprocess
    import sys

    script = (
        "import sys, pathlib\n"
        "from nodegen.infra.store import open_store\n"
        f"open_store(None, pathlib.Path({str(tmp_path)!r}))\n"
        f"open_store('sqlite:///{tmp_path}/x.db', pathlib.Path({str(tmp_path)!r}))\n"
        "print('asyncpg' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
