"""A content-addressed cache of answers (SQLite under ``.nodegen/``): an unchanged prompt to the same model costs no
call. The key is the request's hash (provider, model, endpoint, parameters, prompt); API keys never enter it."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from .protocol import LLMClient, ModelCompletion, ModelCompletionRequest, ProviderIdentity

_SCHEMA = """
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


class CompletionCache:
    """Answers by request hash, in one SQLite file that several processes may share."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, timeout=30.0, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)

    def get(self, key: str, identity: ProviderIdentity) -> ModelCompletion | None:
        """The stored answer for ``key``, marked as cached (cost 0: no call is made), or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT text, input_tokens, output_tokens FROM completions WHERE key = ?", (key,)
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
                "INSERT OR REPLACE INTO completions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    identity.provider,
                    identity.model,
                    identity.endpoint,
                    completion.text,
                    completion.input_tokens,
                    completion.output_tokens,
                    time.time(),
                ),
            )

    def __len__(self) -> int:
        with self._lock:
            (count,) = self._db.execute("SELECT COUNT(*) FROM completions").fetchone()
        return int(count)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()


class CachedClient:
    """A provider behind the cache: hits answer at once and cost nothing; misses call the provider and are stored."""

    def __init__(self, inner: LLMClient, cache: CompletionCache) -> None:
        self.inner = inner
        self.cache = cache
        self.hits = 0
        self.misses = 0

    @property
    def identity(self) -> ProviderIdentity:
        """The inner provider's identity (the cache is transparent)."""
        return self.inner.identity

    async def complete(self, request: ModelCompletionRequest) -> ModelCompletion:
        """The cached answer, or the provider's (then cached)."""
        key = request.key(self.identity)
        hit = self.cache.get(key, self.identity)
        if hit is not None:
            self.hits += 1
            return hit
        self.misses += 1
        completion = await self.inner.complete(request)
        if not completion.cached:
            self.cache.put(key, completion)
        return completion

    async def aclose(self) -> None:
        """Close the provider and the cache."""
        await self.inner.aclose()
        self.cache.close()


__all__ = ["CachedClient", "CompletionCache"]
