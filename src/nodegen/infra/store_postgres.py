"""The store on PostgreSQL (production): an asyncpg pool; the same SQL as SQLite with ``$n`` placeholders."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from nodegen.onex import EnumCoreErrorCode, ModelOnexError

from .store_base import CodegenStore, utc_now
from .store_schema import MIGRATIONS_TABLE

_QMARK = re.compile(r"\?")

# What a lost server or connection raises: waited out by callers that retry (the work queue), not a bad query.
_CONNECTION_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
)
_DATABASE_ERRORS: tuple[type[Exception], ...] = (asyncpg.PostgresError, *_CONNECTION_ERRORS)
_MIGRATION_LOCK = 0x6E6F646567656E  # "nodegen": the advisory lock key of schema changes


def _numbered(sql: str) -> str:
    counter = iter(range(1, 10_000))
    return _QMARK.sub(lambda _: f"${next(counter)}", sql)


async def _keep_session(connection: asyncpg.Connection) -> None:
    """A connection goes back to the pool as it is: nodegen leaves no session state behind (no SET, LISTEN, cursor
    or session lock; asyncpg still rolls back an open transaction), so the default reset (``RESET ALL``
    and more: one more round trip on every release) is skipped."""


class PostgresStore(CodegenStore):
    """``CodegenStore`` on PostgreSQL."""

    backend = "postgresql"

    def __init__(self, url: str, *, min_size: int = 1, max_size: int = 4) -> None:
        self.url = url
        self._pool: asyncpg.Pool | None = None
        self._sizes = (min_size, max_size)

    @property
    def location(self) -> str:
        """The server and database, without the password."""
        parts = urlsplit(self.url)
        return f"postgresql://{parts.hostname}:{parts.port or 5432}{parts.path}"

    async def _get_pool(self) -> asyncpg.Pool:
        if self._pool is None:
            try:
                self._pool = await asyncpg.create_pool(
                    self.url, min_size=self._sizes[0], max_size=self._sizes[1], reset=_keep_session
                )
            except (OSError, asyncpg.PostgresError) as error:
                raise ModelOnexError(
                    error_code=EnumCoreErrorCode.DATABASE_CONNECTION_ERROR,
                    message=f"cannot connect to {self.location}: {error}",
                    cause=error,
                ) from error
        return self._pool

    def _fail(self, error: Exception) -> ModelOnexError:
        """A lost server or connection is ``DATABASE_CONNECTION_ERROR`` (worth waiting out), the rest
        ``DATABASE_OPERATION_ERROR``."""
        code = EnumCoreErrorCode.DATABASE_OPERATION_ERROR
        if isinstance(error, _CONNECTION_ERRORS):
            code = EnumCoreErrorCode.DATABASE_CONNECTION_ERROR
        return ModelOnexError(
            error_code=code,
            message=f"PostgreSQL ({self.location}): {error}",
            cause=error,
        )

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PoolConnectionProxy[asyncpg.Record]]:
        """A connection inside one transaction (``$n`` placeholders): committed when the block ends, rolled back
        when it raises. A lost server is ``DATABASE_CONNECTION_ERROR`` (worth retrying), a failed statement
        ``DATABASE_OPERATION_ERROR``."""
        pool = await self._get_pool()
        try:
            async with pool.acquire() as connection, connection.transaction():
                yield connection
        except _DATABASE_ERRORS as error:
            raise self._fail(error) from error

    async def _execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        pool = await self._get_pool()
        try:
            await pool.execute(_numbered(sql), *params)
        except _DATABASE_ERRORS as error:
            raise self._fail(error) from error

    async def _execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        pool = await self._get_pool()
        try:
            async with pool.acquire() as connection, connection.transaction():
                await connection.executemany(_numbered(sql), [tuple(row) for row in rows])
        except _DATABASE_ERRORS as error:
            raise self._fail(error) from error

    async def _fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        pool = await self._get_pool()
        try:
            records = await pool.fetch(_numbered(sql), *params)
        except _DATABASE_ERRORS as error:
            raise self._fail(error) from error
        return [tuple(record.values()) for record in records]

    async def migrate(self) -> int:
        """Bring the schema to the latest version; returns it. The migrations table is created under an advisory
        lock first: ``CREATE TABLE IF NOT EXISTS`` run by two processes at once on a new database fails in one of
        them ("type schema_migrations already exists"), as when several workers start together."""
        pool = await self._get_pool()
        try:
            async with pool.acquire() as connection, connection.transaction():
                await connection.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
                await connection.execute(MIGRATIONS_TABLE)
        except _DATABASE_ERRORS as error:
            raise self._fail(error) from error
        return await super().migrate()

    async def _migrate(self, statements: list[tuple[int, list[str]]]) -> None:
        pool = await self._get_pool()
        try:
            async with pool.acquire() as connection, connection.transaction():
                # one migrator at a time across processes
                await connection.execute("LOCK TABLE schema_migrations IN EXCLUSIVE MODE")
                for version, sqls in statements:
                    if await connection.fetchval("SELECT 1 FROM schema_migrations WHERE version = $1", version):
                        continue
                    for sql in sqls:
                        await connection.execute(sql)
                    await connection.execute("INSERT INTO schema_migrations VALUES ($1, $2)", version, utc_now())
        except asyncpg.PostgresError as error:
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.MIGRATION_ERROR,
                message=f"migrating {self.location} failed: {error}",
                cause=error,
            ) from error

    async def close(self) -> None:
        """Close the pool."""
        if self._pool is not None:
            await self._pool.close()
            self._pool = None


__all__ = ["PostgresStore"]
