"""A content-addressed cache of answers: an unchanged prompt to the same model costs no call. The key is the
request's hash (provider, model, endpoint, parameters, prompt); API keys never enter it.

``CompletionCache`` is one SQLite file under ``.nodegen/`` (the processes of one machine); ``SharedCompletionCache``
keeps the answers in the shared PostgreSQL database, so every `nodegen worker` of every machine reuses them.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from nodegen.infra.store_schema import COMPLETIONS_TABLE, utc_now
from nodegen.onex import EnumLogLevel, ModelOnexError, emit_log_event

from .protocol import LLMClient, ModelCompletion, ModelCompletionRequest, ProviderIdentity, WrappedClient

_OLD_TABLE = "completions"  # a cache file of nodegen before the table was shared: time as epoch seconds (REAL)


def _iso_utc(value: float | str) -> str:
    """An epoch time of the old table as the schema's time (ISO-8601 text in UTC); text as it is."""
    return value if isinstance(value, str) else datetime.fromtimestamp(value, UTC).isoformat()


class CompletionCache:
    """Answers by request hash, in one SQLite file that several processes may share."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, timeout=30.0, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(COMPLETIONS_TABLE)
        self._adopt_old_table()

    def _has_old_table(self) -> bool:
        found = self._db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (_OLD_TABLE,))
        return found.fetchone() is not None

    def _adopt_old_table(self) -> None:
        """Move the answers of a cache file an older nodegen wrote (table ``completions``) into the shared table,
        their times as the schema's, and drop the old table: in one transaction, by whichever process opens the file
        first (the others find nothing left to move)."""
        if not self._has_old_table():
            return
        self._db.create_function("nodegen_iso_utc", 1, _iso_utc, deterministic=True)
        self._db.execute("BEGIN IMMEDIATE")
        try:
            if self._has_old_table():
                self._db.execute(
                    "INSERT OR IGNORE INTO llm_completions SELECT key, provider, model, endpoint, text, input_tokens, "
                    "output_tokens, nodegen_iso_utc(created_at) FROM completions"
                )
                self._db.execute("DROP TABLE completions")
        except sqlite3.Error:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def get(self, key: str, identity: ProviderIdentity) -> ModelCompletion | None:
        """The stored answer for ``key``, marked as cached (cost 0: no call is made), or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT text, input_tokens, output_tokens FROM llm_completions WHERE key = ?", (key,)
            ).fetchone()
        if row is None:
            return None
        text, input_tokens, output_tokens = row
        return ModelCompletion(
            text=text,
            identity=identity,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            cost_usd=0.0,
            cached=True,
        )

    def put(self, key: str, completion: ModelCompletion) -> None:
        """Store an answer (a later answer for the same key replaces it)."""
        identity = completion.identity
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO llm_completions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    identity.provider,
                    identity.model,
                    identity.endpoint,
                    completion.text,
                    completion.input_tokens,
                    completion.output_tokens,
                    utc_now(),
                ),
            )

    def __len__(self) -> int:
        with self._lock:
            (count,) = self._db.execute("SELECT COUNT(*) FROM llm_completions").fetchone()
        return int(count)

    async def aget(self, key: str, identity: ProviderIdentity) -> ModelCompletion | None:
        """``get`` for ``CachedClient``."""
        return self.get(key, identity)

    async def aput(self, key: str, completion: ModelCompletion) -> None:
        """``put`` for ``CachedClient``."""
        self.put(key, completion)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()


class StoredAnswer(Protocol):
    """An answer as the shared store returns it."""

    @property
    def text(self) -> str: ...

    @property
    def input_tokens(self) -> int: ...

    @property
    def output_tokens(self) -> int: ...


class SharedAnswerStore(Protocol):
    """Where shared answers live (``nodegen.infra.work_store.WorkStore`` on PostgreSQL)."""

    async def cached_answer(self, key: str) -> StoredAnswer | None:
        """The answer stored under ``key``."""
        ...

    async def cache_answer(
        self, key: str, *, provider: str, model: str, endpoint: str, text: str, input_tokens: int, output_tokens: int
    ) -> None:
        """Store an answer under ``key``."""
        ...


class SharedCompletionCache:
    """Answers by request hash in a database every worker shares. A database that fails is a miss (or an answer
    not kept), logged: the cache never fails a call."""

    def __init__(self, store: SharedAnswerStore) -> None:
        self.store = store

    async def aget(self, key: str, identity: ProviderIdentity) -> ModelCompletion | None:
        """The stored answer, marked as cached (cost 0), or None."""
        try:
            row = await self.store.cached_answer(key)
        except ModelOnexError as error:
            emit_log_event(EnumLogLevel.WARNING, "the shared answer cache is unavailable", {"error": error.message})
            return None
        if row is None:
            return None
        return ModelCompletion(
            text=row.text,
            identity=identity,
            input_tokens=row.input_tokens,
            output_tokens=row.output_tokens,
            cost_usd=0.0,
            cached=True,
        )

    async def aput(self, key: str, completion: ModelCompletion) -> None:
        """Keep an answer for every worker."""
        identity = completion.identity
        try:
            await self.store.cache_answer(
                key,
                provider=identity.provider,
                model=identity.model,
                endpoint=identity.endpoint,
                text=completion.text,
                input_tokens=completion.input_tokens,
                output_tokens=completion.output_tokens,
            )
        except ModelOnexError as error:
            emit_log_event(EnumLogLevel.WARNING, "an answer was not kept in the shared cache", {"error": error.message})

    def close(self) -> None:
        """The store belongs to whoever opened it: nothing to close here."""


class AnswerCache(Protocol):
    """What ``CachedClient`` keeps answers in."""

    async def aget(self, key: str, identity: ProviderIdentity) -> ModelCompletion | None:
        """The answer under ``key`` (marked cached), or None."""
        ...

    async def aput(self, key: str, completion: ModelCompletion) -> None:
        """Keep ``completion`` under ``key``."""
        ...

    def close(self) -> None:
        """Release what the cache holds."""
        ...


class CachedClient(WrappedClient):
    """A provider behind the cache: hits answer at once and cost nothing; misses call the provider and are stored."""

    def __init__(self, inner: LLMClient, cache: AnswerCache) -> None:
        super().__init__(inner)
        self.cache = cache
        self.hits = 0
        self.misses = 0

    async def complete(self, request: ModelCompletionRequest) -> ModelCompletion:
        """The cached answer, or the provider's (then cached)."""
        key = request.key(self.identity)
        hit = await self.cache.aget(key, self.identity)
        if hit is not None:
            self.hits += 1
            return hit
        self.misses += 1
        completion = await self.inner.complete(request)
        if not completion.cached:
            await self.cache.aput(key, completion)
        return completion

    async def aclose(self) -> None:
        """Close the provider and the cache."""
        await super().aclose()
        self.cache.close()


__all__ = [
    "AnswerCache",
    "CachedClient",
    "CompletionCache",
    "SharedAnswerStore",
    "SharedCompletionCache",
    "StoredAnswer",
]
