"""The answer cache's table, declared once (``store_schema.COMPLETIONS_TABLE``) for the SQLite file under
``.nodegen/`` and for the shared database; a cache file that an older nodegen wrote keeps answering."""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from nodegen.infra.store import open_store
from nodegen.infra.store_schema import COMPLETIONS_TABLE, MIGRATIONS
from nodegen.llm import CompletionCache, ModelCompletion, ProviderIdentity

IDENTITY = ProviderIdentity(provider="openai", model="gpt-4o-mini", endpoint="https://api.openai.com/v1")

# The cache file as nodegen wrote it before the table was shared: table `completions`, time as epoch seconds.
OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS completions (
    key TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    text TEXT NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    created_at REAL NOT NULL
)
"""
OLD_TIME = 1_717_243_200.25  # 2024-06-01 12:00:00.25 UTC
# The declared table, as both databases report it: time is ISO-8601 text, like every time of the schema.
COLUMNS = [
    ("key", "text"),
    ("provider", "text"),
    ("model", "text"),
    ("endpoint", "text"),
    ("text", "text"),
    ("input_tokens", "integer"),
    ("output_tokens", "integer"),
    ("created_at", "text"),
]


def old_cache_file(path: Path, rows: list[tuple[str, str]]) -> None:
    """A cache file written the old way, one answer per (key, text)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(OLD_SCHEMA)
        db.executemany(
            "INSERT OR REPLACE INTO completions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(key, *IDENTITY.model_dump().values(), text, 11, 3, OLD_TIME) for key, text in rows],
        )
    db.close()


def tables(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as db:
        found = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall())
    db.close()
    return found


def answer(text: str) -> ModelCompletion:
    return ModelCompletion(text=text, identity=IDENTITY, input_tokens=5, output_tokens=2, cost_usd=0.001)


def test_the_shared_database_creates_the_cache_table_from_the_one_declaration():
    statements = [statement for _, _, migration in MIGRATIONS for statement in migration]
    assert statements.count(COMPLETIONS_TABLE) == 1
    assert not [s for s in statements if "llm_completions (" in s and s is not COMPLETIONS_TABLE]


def test_the_sqlite_cache_file_has_the_declared_table_and_stores_time_as_iso_text(tmp_path):
    path = tmp_path / ".nodegen" / "cache.db"
    cache = CompletionCache(path)
    before = datetime.now(UTC)
    cache.put("k1", answer("return 1"))
    cache.close()
    assert set(tables(path)) == {"llm_completions"}
    with sqlite3.connect(path) as db:
        columns = [(name, kind.lower()) for _, name, kind, *_ in db.execute("PRAGMA table_info(llm_completions)")]
        (created_at,) = db.execute("SELECT created_at FROM llm_completions").fetchone()
    db.close()
    assert columns == COLUMNS
    assert isinstance(created_at, str) and before <= datetime.fromisoformat(created_at) <= datetime.now(UTC)


def test_a_cache_file_written_by_an_older_nodegen_keeps_its_answers(tmp_path):
    path = tmp_path / ".nodegen" / "cache.db"
    old_cache_file(path, [("k1", "return 1"), ("k2", "return 2")])
    cache = CompletionCache(path)
    hit = cache.get("k1", IDENTITY)
    assert (
        hit is not None and hit.cached and hit.text == "return 1" and (hit.input_tokens, hit.output_tokens) == (11, 3)
    )
    assert len(cache) == 2
    cache.put("k3", answer("return 3"))  # and it takes new answers
    cache.close()
    assert set(tables(path)) == {"llm_completions"}  # the old table is gone: its answers moved
    with sqlite3.connect(path) as db:
        times = dict(db.execute("SELECT key, created_at FROM llm_completions").fetchall())
    db.close()
    assert times["k1"] == times["k2"] == datetime.fromtimestamp(OLD_TIME, UTC).isoformat()
    assert datetime.fromisoformat(times["k3"]) > datetime.fromisoformat(times["k1"])
    reopened = CompletionCache(path)  # a second open finds nothing left to move
    assert len(reopened) == 3 and reopened.get("k2", IDENTITY) is not None
    reopened.close()


def test_caches_opened_at_once_on_an_old_file_each_see_every_answer(tmp_path):
    path = tmp_path / ".nodegen" / "cache.db"
    old_cache_file(path, [(f"k{i}", f"return {i}") for i in range(200)])
    start = threading.Barrier(4)

    def opened() -> CompletionCache:
        start.wait()
        return CompletionCache(path)

    with ThreadPoolExecutor(4) as pool:
        caches = list(pool.map(lambda _: opened(), range(4)))
    assert [len(cache) for cache in caches] == [200] * 4
    for cache in caches:
        cache.close()
    assert set(tables(path)) == {"llm_completions"}


async def test_the_shared_databases_cache_table_stores_time_as_text(fresh_postgres_url, tmp_path):
    store = open_store(fresh_postgres_url, tmp_path)
    await store.migrate()
    await store.close()
    connection = await asyncpg.connect(fresh_postgres_url)
    try:
        columns = await connection.fetch(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'llm_completions' "
            "ORDER BY ordinal_position"
        )
    finally:
        await connection.close()
    assert [(c["column_name"], c["data_type"]) for c in columns] == COLUMNS
