"""The store on SQLite (the default): one file, WAL mode, queries run in a worker thread."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nodegen.onex import EnumCoreErrorCode, ModelOnexError

from .store_base import CodegenStore, utc_now


class SqliteStore(CodegenStore):
    """``CodegenStore`` on a SQLite file."""

    backend = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    @property
    def location(self) -> str:
        """The database file."""
        return str(self.path)

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False, isolation_level=None)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
            except (OSError, sqlite3.Error) as error:
                raise ModelOnexError(
                    error_code=EnumCoreErrorCode.DATABASE_CONNECTION_ERROR,
                    message=f"cannot open the SQLite database {self.path}: {error}",
                    cause=error,
                ) from error
        return self._db

    def _run(self, work: Any) -> Any:
        with self._lock:
            db = self._connection()
            try:
                return work(db)
            except sqlite3.Error as error:
                raise ModelOnexError(
                    error_code=EnumCoreErrorCode.DATABASE_OPERATION_ERROR,
                    message=f"SQLite ({self.path}): {error}",
                    cause=error,
                ) from error

    async def _execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        await asyncio.to_thread(self._run, lambda db: db.execute(sql, tuple(params)))

    async def _execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        def work(db: sqlite3.Connection) -> None:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(sql, [tuple(row) for row in rows])
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

        await asyncio.to_thread(self._run, work)

    async def _fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = await asyncio.to_thread(
            self._run, lambda db: db.execute(sql, tuple(params)).fetchall()
        )
        return rows

    async def _migrate(self, statements: list[tuple[int, list[str]]]) -> None:
        def work(db: sqlite3.Connection) -> None:
            for version, sqls in statements:
                db.execute("BEGIN IMMEDIATE")
                try:
                    if db.execute("SELECT 1 FROM schema_migrations WHERE version = ?", (version,)).fetchone():
                        db.execute("ROLLBACK")  # another process applied it meanwhile
                        continue
                    for sql in sqls:
                        db.execute(sql)
                    db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (version, utc_now()))
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")

        await asyncio.to_thread(self._run, work)

    async def close(self) -> None:
        """Close the file."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


__all__ = ["SqliteStore"]
