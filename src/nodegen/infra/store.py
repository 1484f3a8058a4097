"""nodegen's database: generation attempts, metrics snapshots, artifact records and the event outbox, on SQLite (the
default, ``.nodegen/nodegen.db``) or PostgreSQL (``NODEGEN_DATABASE_URL=postgresql://...``), one schema for both.

``CodegenStore`` (``store_base.py``) holds every query; a backend only runs SQL (``store_sqlite.py``,
``store_postgres.py``). This module chooses the backend from the configuration: it imports the backends, they import
only the base.
"""

from __future__ import annotations

import re
from pathlib import Path

from nodegen.onex import EnumCoreErrorCode, ModelOnexError

from .store_base import CodegenStore, ModelOutboxRecord, attempt_event, attempt_row, utc_now

_POSTGRES_SCHEMES = ("postgresql", "postgres")
_SQLITE_SCHEME = "sqlite"
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def check_database_url(database_url: str) -> str:
    """``database_url`` when nodegen can open it (``postgresql://``/``postgres://``, ``sqlite:///path`` or a plain
    path); any other scheme is ``INVALID_CONFIGURATION`` (``mysql://x`` must not become an SQLite file named so)."""
    match = _SCHEME.match(database_url)
    if match is not None and match[1].lower() not in (*_POSTGRES_SCHEMES, _SQLITE_SCHEME):
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.INVALID_CONFIGURATION,
            message=f"database_url {match[1]}://... is not a database nodegen can use: give postgresql://... "
            "(PostgreSQL), sqlite:///PATH or a file path (SQLite), or leave it unset for <state_dir>/nodegen.db",
        )
    return database_url


def open_store(database_url: str | None, state_dir: Path) -> CodegenStore:
    """PostgreSQL when ``database_url`` is a postgresql:// URL, else SQLite at ``database_url`` (a path or
    sqlite:///path) or ``state_dir/nodegen.db``; another scheme is refused (``check_database_url``). Call
    ``migrate()`` before use."""
    if database_url:
        check_database_url(database_url)
    if database_url and database_url.lower().startswith(tuple(f"{scheme}://" for scheme in _POSTGRES_SCHEMES)):
        from .store_postgres import PostgresStore  # noqa: PLC0415 - asyncpg only when PostgreSQL is configured

        return PostgresStore(database_url)
    from .store_sqlite import SqliteStore  # noqa: PLC0415

    if database_url:
        return SqliteStore(Path(database_url.removeprefix("sqlite:///").removeprefix("sqlite://")))
    return SqliteStore(state_dir / "nodegen.db")


__all__ = [
    "CodegenStore",
    "ModelOutboxRecord",
    "attempt_event",
    "attempt_row",
    "check_database_url",
    "open_store",
    "utc_now",
]
