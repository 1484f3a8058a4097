"""The one schema of nodegen's database, for SQLite and PostgreSQL alike, as versioned migrations.

Only portable SQL: TEXT, INTEGER, DOUBLE PRECISION, BOOLEAN; timestamps are ISO-8601 text in UTC (they sort and
compare as text); statements use ``?`` placeholders, turned into ``$n`` for PostgreSQL. A migration is applied once,
in order, and recorded in ``schema_migrations``.
"""

from __future__ import annotations

from datetime import UTC, datetime

# The answer cache (``nodegen.llm.cache``): in the shared database for every worker (migration 2), and on its own in
# the SQLite file under ``.nodegen/`` for the processes of one machine; one table, declared once. ``created_at`` is
# when the answer was stored, as every time here: ISO-8601 text in UTC.
COMPLETIONS_TABLE = """CREATE TABLE IF NOT EXISTS llm_completions (
    key TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    text TEXT NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    created_at TEXT NOT NULL
)"""


def utc_now() -> str:
    """Now, as the schema stores time."""
    return datetime.now(UTC).isoformat()


MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "generation attempts, metrics snapshots, artifacts, outbox",
        [
            """CREATE TABLE generation_attempts (
                event_id TEXT PRIMARY KEY,
                correlation_id TEXT,
                recorded_at TEXT NOT NULL,
                file_path TEXT,
                qualified_name TEXT NOT NULL,
                node_type TEXT,
                attempt INTEGER NOT NULL,
                provider TEXT NOT NULL,
                model TEXT NOT NULL,
                prompt_tokens INTEGER NOT NULL,
                completion_tokens INTEGER NOT NULL,
                latency_ms DOUBLE PRECISION NOT NULL,
                cost_usd DOUBLE PRECISION,
                cache_hit BOOLEAN NOT NULL,
                retries INTEGER NOT NULL,
                outcome TEXT NOT NULL,
                error_count INTEGER NOT NULL,
                finding_codes TEXT NOT NULL,
                message TEXT,
                prompt_hash TEXT NOT NULL,
                answer_hash TEXT,
                prompt_text TEXT,
                answer_text TEXT
            )""",
            "CREATE INDEX generation_attempts_recorded_at ON generation_attempts (recorded_at)",
            "CREATE INDEX generation_attempts_correlation ON generation_attempts (correlation_id)",
            """CREATE TABLE metrics_snapshots (
                snapshot_id TEXT PRIMARY KEY,
                correlation_id TEXT,
                recorded_at TEXT NOT NULL,
                stubs_total INTEGER NOT NULL,
                stubs_filled INTEGER NOT NULL,
                stubs_failed INTEGER NOT NULL,
                total_tokens INTEGER NOT NULL,
                cost_usd DOUBLE PRECISION,
                metrics_json TEXT NOT NULL
            )""",
            """CREATE TABLE artifacts (
                artifact_id TEXT PRIMARY KEY,
                correlation_id TEXT,
                stored_at TEXT NOT NULL,
                file_path TEXT NOT NULL,
                artifact_type TEXT NOT NULL,
                size_bytes INTEGER NOT NULL,
                sha256 TEXT NOT NULL,
                metadata_json TEXT NOT NULL
            )""",
            """CREATE TABLE outbox (
                event_id TEXT PRIMARY KEY,
                topic TEXT NOT NULL,
                event_key TEXT NOT NULL,
                event_type TEXT NOT NULL,
                schema_version TEXT NOT NULL,
                payload TEXT NOT NULL,
                created_at TEXT NOT NULL,
                delivery_attempts INTEGER NOT NULL DEFAULT 0,
                delivered_at TEXT,
                last_error TEXT
            )""",
            "CREATE INDEX outbox_pending ON outbox (delivered_at, created_at)",
        ],
    ),
    (
        2,
        "the work queue of `nodegen worker` (runs, requests, texts, results, failures), shared budgets and answers",
        [
            """CREATE TABLE fill_texts (
                content_hash TEXT PRIMARY KEY,
                text TEXT NOT NULL,
                stored_at TEXT NOT NULL
            )""",
            """CREATE TABLE fill_runs (
                run_id TEXT PRIMARY KEY,
                submitted_at TEXT NOT NULL,
                run_json TEXT NOT NULL
            )""",
            """CREATE TABLE fill_requests (
                request_id TEXT PRIMARY KEY,
                run_id TEXT NOT NULL,
                position INTEGER NOT NULL,
                path TEXT NOT NULL,
                local_path TEXT NOT NULL,
                content_hash TEXT NOT NULL,
                applied_at TEXT,
                applied_json TEXT
            )""",
            "CREATE INDEX fill_requests_run ON fill_requests (run_id, position)",
            """CREATE TABLE fill_results (
                request_id TEXT PRIMARY KEY,
                run_id TEXT NOT NULL,
                content_hash TEXT NOT NULL,
                status TEXT NOT NULL,
                result_json TEXT NOT NULL,
                worker TEXT NOT NULL,
                recorded_at TEXT NOT NULL
            )""",
            "CREATE INDEX fill_results_run ON fill_results (run_id)",
            """CREATE TABLE fill_failures (
                request_id TEXT PRIMARY KEY,
                failures INTEGER NOT NULL,
                last_error TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            """CREATE TABLE run_budgets (
                run_id TEXT PRIMARY KEY,
                tokens_spent INTEGER NOT NULL,
                cost_usd DOUBLE PRECISION NOT NULL,
                calls INTEGER NOT NULL,
                unpriced_calls INTEGER NOT NULL
            )""",
            COMPLETIONS_TABLE,
        ],
    ),
]

MIGRATIONS_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
)

ATTEMPT_COLUMNS = (
    "event_id",
    "correlation_id",
    "recorded_at",
    "file_path",
    "qualified_name",
    "node_type",
    "attempt",
    "provider",
    "model",
    "prompt_tokens",
    "completion_tokens",
    "latency_ms",
    "cost_usd",
    "cache_hit",
    "retries",
    "outcome",
    "error_count",
    "finding_codes",
    "message",
    "prompt_hash",
    "answer_hash",
    "prompt_text",
    "answer_text",
)
OUTBOX_COLUMNS = ("event_id", "topic", "event_key", "event_type", "schema_version", "payload", "created_at")


def latest_version() -> int:
    """The schema version the code expects."""
    return MIGRATIONS[-1][0]


__all__ = [
    "ATTEMPT_COLUMNS",
    "COMPLETIONS_TABLE",
    "MIGRATIONS",
    "MIGRATIONS_TABLE",
    "OUTBOX_COLUMNS",
    "latest_version",
    "utc_now",
]
