"""The queries of nodegen's database, over a backend that only runs SQL: ``CodegenStore`` (abstract), the outbox's
record, the rows of generation attempts, and the schema's clock.

Backends subclass it (``store_sqlite.py``, ``store_postgres.py``); ``store.py`` chooses one from the configuration.
This module imports neither, so a backend can import it without a circle.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field

from nodegen.onex import EnumCoreErrorCode, ModelOnexError

from .store_schema import ATTEMPT_COLUMNS, MIGRATIONS, MIGRATIONS_TABLE, OUTBOX_COLUMNS, latest_version, utc_now


class ModelOutboxRecord(BaseModel):
    """An event waiting to be delivered to the bus (or delivered already)."""

    event_id: str
    topic: str
    event_key: str
    event_type: str
    schema_version: str = "1"
    payload: dict[str, Any]
    created_at: str = Field(default_factory=utc_now)
    delivery_attempts: int = 0
    delivered_at: str | None = None
    last_error: str | None = None


def attempt_row(event: dict[str, Any]) -> tuple[Any, ...]:
    """A generation event (as JSON) as a row of ``generation_attempts``."""
    values = {
        **event,
        "recorded_at": event["timestamp"],
        "finding_codes": json.dumps(event.get("finding_codes", [])),
        "cache_hit": bool(event.get("cache_hit", False)),
    }
    if isinstance(values.get("message"), str):  # a provider's message: its keys were redacted; once more, to be sure
        from nodegen.llm.redact import redact  # noqa: PLC0415 - the llm package is heavy; the store needs only this

        values["message"] = redact(values["message"])
    return tuple(values.get(column) for column in ATTEMPT_COLUMNS)


def attempt_event(row: Sequence[Any]) -> dict[str, Any]:
    """A row of ``generation_attempts`` back as a generation event (JSON)."""
    values = dict(zip(ATTEMPT_COLUMNS, row, strict=True))
    values["timestamp"] = values.pop("recorded_at")
    values["finding_codes"] = json.loads(values["finding_codes"] or "[]")
    values["cache_hit"] = bool(values["cache_hit"])
    return {key: value for key, value in values.items() if value is not None or key == "cost_usd"}


class CodegenStore(ABC):
    """The queries; subclasses run them."""

    backend: str
    placeholder_style = "qmark"

    # -- what a backend provides ---------------------------------------------------------------------------------
    @abstractmethod
    async def _execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    @abstractmethod
    async def _execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    @abstractmethod
    async def _fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    @abstractmethod
    async def _migrate(self, statements: list[tuple[int, list[str]]]) -> None:
        """Apply each (version, statements) in one transaction and record it."""

    @abstractmethod
    async def close(self) -> None:
        """Release connections."""

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the data is, without credentials."""

    # -- the queries -------------------------------------------------------------------------------------------
    async def migrate(self) -> int:
        """Bring the schema to the latest version; returns it."""
        await self._execute(MIGRATIONS_TABLE)
        applied = {row[0] for row in await self._fetch("SELECT version FROM schema_migrations")}
        if applied and max(applied) > latest_version():
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.MIGRATION_ERROR,
                message=f"{self.location} has schema version {max(applied)}, newer than this nodegen "
                f"({latest_version()}): upgrade nodegen",
            )
        pending = [(version, statements) for version, _, statements in MIGRATIONS if version not in applied]
        if pending:
            await self._migrate(pending)
        return latest_version()

    async def schema_version(self) -> int:
        """The highest applied migration (0 for an empty database)."""
        rows = await self._fetch("SELECT MAX(version) FROM schema_migrations")
        return int(rows[0][0] or 0)

    async def record_attempts(self, events: Sequence[dict[str, Any]]) -> int:
        """Store generation events (JSON dicts); an event already stored (same event_id) is kept as it was."""
        if not events:
            return 0
        columns = ", ".join(ATTEMPT_COLUMNS)
        marks = ", ".join("?" for _ in ATTEMPT_COLUMNS)
        await self._execute_many(
            f"INSERT INTO generation_attempts ({columns}) VALUES ({marks}) ON CONFLICT (event_id) DO NOTHING",  # noqa: S608 - fixed column names
            [attempt_row(event) for event in events],
        )
        return len(events)

    async def attempts(self, *, since: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        """Stored generation events, oldest first (``since``: an ISO timestamp)."""
        sql = f"SELECT {', '.join(ATTEMPT_COLUMNS)} FROM generation_attempts"  # noqa: S608 - fixed column names
        params: list[Any] = []
        if since is not None:
            sql += " WHERE recorded_at >= ?"
            params.append(since)
        sql += " ORDER BY recorded_at, event_id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return [attempt_event(row) for row in await self._fetch(sql, params)]

    async def record_metrics(self, snapshot_id: str, correlation_id: str | None, metrics: dict[str, Any]) -> str:
        """Store one metrics snapshot (again with the same id: replaced); returns its id."""
        await self._execute("DELETE FROM metrics_snapshots WHERE snapshot_id = ?", (snapshot_id,))
        await self._execute(
            "INSERT INTO metrics_snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                snapshot_id,
                correlation_id,
                utc_now(),
                int(metrics.get("stubs_total", 0)),
                int(metrics.get("stubs_filled", 0)),
                int(metrics.get("stubs_failed", 0)),
                int(metrics.get("total_tokens", 0)),
                metrics.get("cost_usd"),
                json.dumps(metrics, sort_keys=True),
            ),
        )
        return snapshot_id

    async def metrics_snapshots(self, limit: int = 20) -> list[dict[str, Any]]:
        """The latest snapshots, newest first."""
        rows = await self._fetch(
            "SELECT snapshot_id, correlation_id, recorded_at, metrics_json FROM metrics_snapshots "
            "ORDER BY recorded_at DESC LIMIT ?",
            (int(limit),),
        )
        keys = ("snapshot_id", "correlation_id", "recorded_at")
        return [{**dict(zip(keys, row[:3], strict=True)), "metrics": json.loads(row[3])} for row in rows]

    async def record_artifact(
        self,
        artifact_id: str,
        *,
        file_path: str,
        artifact_type: str,
        size_bytes: int,
        sha256: str,
        correlation_id: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        """Record a file the store effect wrote."""
        await self._execute(
            "INSERT INTO artifacts VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (artifact_id) DO NOTHING",
            (
                artifact_id,
                correlation_id,
                utc_now(),
                file_path,
                artifact_type,
                size_bytes,
                sha256,
                json.dumps(metadata or {}, sort_keys=True, default=str),
            ),
        )

    async def artifacts(self) -> list[dict[str, Any]]:
        """Recorded artifacts, oldest first."""
        rows = await self._fetch(
            "SELECT artifact_id, file_path, artifact_type, size_bytes, sha256 FROM artifacts ORDER BY stored_at"
        )
        keys = ("artifact_id", "file_path", "artifact_type", "size_bytes", "sha256")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    async def outbox_add(self, records: Sequence[ModelOutboxRecord]) -> None:
        """Queue events for delivery (an event id already queued stays as it is)."""
        if not records:
            return
        columns = ", ".join(OUTBOX_COLUMNS)
        marks = ", ".join("?" for _ in OUTBOX_COLUMNS)
        await self._execute_many(
            f"INSERT INTO outbox ({columns}) VALUES ({marks}) ON CONFLICT (event_id) DO NOTHING",  # noqa: S608 - fixed column names
            [
                (r.event_id, r.topic, r.event_key, r.event_type, r.schema_version, json.dumps(r.payload), r.created_at)
                for r in records
            ],
        )

    async def outbox_pending(self, limit: int = 100) -> list[ModelOutboxRecord]:
        """Undelivered events, oldest first."""
        rows = await self._fetch(
            "SELECT event_id, topic, event_key, event_type, schema_version, payload, created_at, delivery_attempts, "
            "last_error FROM outbox WHERE delivered_at IS NULL ORDER BY created_at, event_id LIMIT ?",
            (int(limit),),
        )
        return [
            ModelOutboxRecord(
                event_id=r[0],
                topic=r[1],
                event_key=r[2],
                event_type=r[3],
                schema_version=r[4],
                payload=json.loads(r[5]),
                created_at=r[6],
                delivery_attempts=r[7],
                last_error=r[8],
            )
            for r in rows
        ]

    async def outbox_delivered(self, event_ids: Sequence[str]) -> None:
        """Mark events delivered."""
        now = utc_now()
        await self._execute_many(
            "UPDATE outbox SET delivered_at = ?, delivery_attempts = delivery_attempts + 1, last_error = NULL "
            "WHERE event_id = ?",
            [(now, event_id) for event_id in event_ids],
        )

    async def outbox_failed(self, event_ids: Sequence[str], error: str) -> None:
        """Count a failed delivery of events (they stay pending)."""
        await self._execute_many(
            "UPDATE outbox SET delivery_attempts = delivery_attempts + 1, last_error = ? WHERE event_id = ?",
            [(error[:500], event_id) for event_id in event_ids],
        )


__all__ = ["CodegenStore", "ModelOutboxRecord", "attempt_event", "attempt_row", "utc_now"]
