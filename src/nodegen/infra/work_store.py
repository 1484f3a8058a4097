"""The work queue's records in PostgreSQL, shared by every `nodegen worker` and the process that submitted a run:
the run and its requests, the files' texts by content hash, one result per request (written in one transaction with
its outbox event), the failures of each request, each run's spending, and the shared answer cache.

Rows hold JSON text that the worker package reads into its models; this module only stores and finds them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nodegen.onex import EnumCoreErrorCode, ModelOnexError

from .bus import ModelEventEnvelope
from .outbox import outbox_record
from .store_base import CodegenStore, ModelOutboxRecord, attempt_event, utc_now
from .store_postgres import PostgresStore
from .store_schema import ATTEMPT_COLUMNS


@dataclass(frozen=True, slots=True)
class RequestRow:
    """One request of a run as the submitter recorded it."""

    request_id: str
    position: int
    path: str
    local_path: str
    content_hash: str
    applied_json: str | None


@dataclass(frozen=True, slots=True)
class ResultRow:
    """The stored result of one request."""

    request_id: str
    run_id: str
    content_hash: str
    status: str
    result_json: str
    worker: str


@dataclass(frozen=True, slots=True)
class SpendRow:
    """What a run has spent across every worker."""

    tokens_spent: int = 0
    cost_usd: float = 0.0
    calls: int = 0
    unpriced_calls: int = 0


@dataclass(frozen=True, slots=True)
class CachedAnswerRow:
    """An answer of the shared cache."""

    text: str
    input_tokens: int
    output_tokens: int


def work_store(store: CodegenStore) -> WorkStore:
    """The work queue's records on ``store``; ``INVALID_CONFIGURATION`` unless it is PostgreSQL (workers on several
    machines share one database)."""
    if not isinstance(store, PostgresStore):
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.INVALID_CONFIGURATION,
            message=f"nodegen worker and nodegen submit need a shared PostgreSQL database, not {store.location}: "
            "set database_url (NODEGEN_DATABASE_URL=postgresql://...)",
        )
    return WorkStore(store)


def _outbox_values(r: ModelOutboxRecord) -> tuple[str, str, str, str, str, str, str]:
    return (r.event_id, r.topic, r.event_key, r.event_type, r.schema_version, json.dumps(r.payload), r.created_at)


class WorkStore:
    """The queries of the work queue (PostgreSQL)."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    # -- runs, requests and texts (the submitter) ----------------------------------------------------------------
    async def save_run(self, run_id: str, run_json: str, requests: Sequence[RequestRow], texts: dict[str, str]) -> None:
        """Record a run, its requests and their texts in one transaction (a text already stored is kept)."""
        now = utc_now()
        async with self.store.transaction() as connection:
            await connection.executemany(
                "INSERT INTO fill_texts VALUES ($1, $2, $3) ON CONFLICT (content_hash) DO NOTHING",
                [(content_hash, text, now) for content_hash, text in texts.items()],
            )
            await connection.execute("INSERT INTO fill_runs VALUES ($1, $2, $3)", run_id, now, run_json)
            await connection.executemany(
                "INSERT INTO fill_requests VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL)",
                [(r.request_id, run_id, r.position, r.path, r.local_path, r.content_hash) for r in requests],
            )

    async def run(self, run_id: str) -> str | None:
        """The run's JSON, or None when no such run was submitted."""
        async with self.store.transaction() as connection:
            value = await connection.fetchval("SELECT run_json FROM fill_runs WHERE run_id = $1", run_id)
        return None if value is None else str(value)

    async def requests(self, run_id: str) -> list[RequestRow]:
        """The run's requests, in the order they were submitted."""
        async with self.store.transaction() as connection:
            rows = await connection.fetch(
                "SELECT request_id, position, path, local_path, content_hash, applied_json FROM fill_requests "
                "WHERE run_id = $1 ORDER BY position",
                run_id,
            )
        return [RequestRow(*tuple(row.values())) for row in rows]

    async def text(self, content_hash: str) -> str | None:
        """A file's text by its content hash."""
        async with self.store.transaction() as connection:
            value = await connection.fetchval("SELECT text FROM fill_texts WHERE content_hash = $1", content_hash)
        return None if value is None else str(value)

    async def mark_applied(self, request_id: str, applied_json: str) -> bool:
        """Record what applying a result to the local file did; False when it was recorded before (the file was
        written already: never again)."""
        async with self.store.transaction() as connection:
            done = await connection.fetchval(
                "UPDATE fill_requests SET applied_at = $1, applied_json = $2 WHERE request_id = $3 "
                "AND applied_at IS NULL RETURNING request_id",
                utc_now(),
                applied_json,
                request_id,
            )
        return done is not None

    # -- results (the workers) ------------------------------------------------------------------------------------
    async def result(self, request_id: str) -> ResultRow | None:
        """The stored result of a request."""
        async with self.store.transaction() as connection:
            row = await connection.fetchrow(
                "SELECT request_id, run_id, content_hash, status, result_json, worker FROM fill_results "
                "WHERE request_id = $1",
                request_id,
            )
        return None if row is None else ResultRow(*tuple(row.values()))

    async def results(self, run_id: str, *, known: Sequence[str] = ()) -> list[ResultRow]:
        """The stored results of a run, but those of the ``known`` request ids."""
        async with self.store.transaction() as connection:
            rows = await connection.fetch(
                "SELECT request_id, run_id, content_hash, status, result_json, worker FROM fill_results "
                "WHERE run_id = $1 AND NOT (request_id = ANY($2::text[]))",
                run_id,
                list(known),
            )
        return [ResultRow(*tuple(row.values())) for row in rows]

    async def record_result(self, row: ResultRow, events: Sequence[ModelEventEnvelope]) -> bool:
        """Store a result and its ``events``' outbox rows in one transaction; False (nothing written) when the
        request has a result already: a request is applied once, whoever finishes first."""
        records = [outbox_record(event) for event in events]
        async with self.store.transaction() as connection:
            inserted = await connection.fetchval(
                "INSERT INTO fill_results VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (request_id) DO NOTHING "
                "RETURNING request_id",
                row.request_id,
                row.run_id,
                row.content_hash,
                row.status,
                row.result_json,
                row.worker,
                utc_now(),
            )
            if inserted is None:
                return False
            await connection.executemany(
                "INSERT INTO outbox (event_id, topic, event_key, event_type, schema_version, payload, created_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id) DO NOTHING",
                [_outbox_values(record) for record in records],
            )
        return True

    async def count_failure(self, request_id: str, error: str) -> int:
        """Count one failed try of a request; returns how many it has had."""
        async with self.store.transaction() as connection:
            failures = await connection.fetchval(
                "INSERT INTO fill_failures VALUES ($1, 1, $2, $3) ON CONFLICT (request_id) DO UPDATE SET "
                "failures = fill_failures.failures + 1, last_error = EXCLUDED.last_error, "
                "updated_at = EXCLUDED.updated_at RETURNING failures",
                request_id,
                error[:2000],
                utc_now(),
            )
        return int(failures)

    async def run_attempts(self, run_id: str) -> list[dict[str, Any]]:
        """The generation events of a run, from every worker, oldest first."""
        columns = ", ".join(ATTEMPT_COLUMNS)
        async with self.store.transaction() as connection:
            rows = await connection.fetch(
                f"SELECT {columns} FROM generation_attempts WHERE correlation_id = $1 "  # noqa: S608 - fixed columns
                "ORDER BY recorded_at, event_id",
                run_id,
            )
        return [attempt_event(tuple(row.values())) for row in rows]

    # -- the shared budget and answer cache ------------------------------------------------------------------------
    async def spend(self, run_id: str, tokens: int, cost_usd: float, *, calls: int, unpriced: int) -> SpendRow:
        """Add to a run's spending; returns the run's totals across every worker."""
        async with self.store.transaction() as connection:
            row = await connection.fetchrow(
                "INSERT INTO run_budgets VALUES ($1, $2, $3, $4, $5) ON CONFLICT (run_id) DO UPDATE SET "
                "tokens_spent = run_budgets.tokens_spent + EXCLUDED.tokens_spent, "
                "cost_usd = run_budgets.cost_usd + EXCLUDED.cost_usd, calls = run_budgets.calls + EXCLUDED.calls, "
                "unpriced_calls = run_budgets.unpriced_calls + EXCLUDED.unpriced_calls "
                "RETURNING tokens_spent, cost_usd, calls, unpriced_calls",
                run_id,
                tokens,
                cost_usd,
                calls,
                unpriced,
            )
        return SpendRow() if row is None else SpendRow(*tuple(row.values()))

    async def spent(self, run_id: str) -> SpendRow:
        """A run's totals so far."""
        async with self.store.transaction() as connection:
            row = await connection.fetchrow(
                "SELECT tokens_spent, cost_usd, calls, unpriced_calls FROM run_budgets WHERE run_id = $1", run_id
            )
        return SpendRow() if row is None else SpendRow(*tuple(row.values()))

    async def cached_answer(self, key: str) -> CachedAnswerRow | None:
        """The shared cache's answer for a request key."""
        async with self.store.transaction() as connection:
            row = await connection.fetchrow(
                "SELECT text, input_tokens, output_tokens FROM llm_completions WHERE key = $1", key
            )
        return None if row is None else CachedAnswerRow(*tuple(row.values()))

    async def cache_answer(
        self, key: str, *, provider: str, model: str, endpoint: str, text: str, input_tokens: int, output_tokens: int
    ) -> None:
        """Store an answer in the shared cache (a later answer for the same key replaces it)."""
        async with self.store.transaction() as connection:
            await connection.execute(
                "INSERT INTO llm_completions VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key) DO UPDATE "
                "SET text = EXCLUDED.text, input_tokens = EXCLUDED.input_tokens, "
                "output_tokens = EXCLUDED.output_tokens, created_at = EXCLUDED.created_at",
                key,
                provider,
                model,
                endpoint,
                text,
                input_tokens,
                output_tokens,
                utc_now(),
            )


__all__ = ["CachedAnswerRow", "RequestRow", "ResultRow", "SpendRow", "WorkStore", "work_store"]
