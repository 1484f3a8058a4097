"""A broker or database outage is waited out with backoff, not counted as a failure of the request."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from nodegen.infra.store_postgres import PostgresStore
from nodegen.onex import EnumCoreErrorCode, EnumLogLevel, ModelOnexError, emit_log_event

T = TypeVar("T")
_TRANSIENT = {EnumCoreErrorCode.DATABASE_CONNECTION_ERROR, EnumCoreErrorCode.EVENT_BUS_ERROR}


def is_transient(error: ModelOnexError) -> bool:
    """An outage of the broker or the database (waited out), not a failure of the request."""
    return error.error_code in _TRANSIENT


async def patiently(action: Callable[[], Awaitable[T]], what: str, *, max_delay_s: float = 10.0) -> T:
    """``action()``, retried with backoff for as long as the broker or the database is away."""
    delay = 0.2
    while True:
        try:
            return await action()
        except ModelOnexError as error:
            if not is_transient(error):
                raise
            emit_log_event(EnumLogLevel.WARNING, f"{what}: waiting for the outage to end", {"error": error.message})
        await asyncio.sleep(delay)
        delay = min(delay * 2, max_delay_s)


class PatientStore(PostgresStore):
    """A worker's store: the run's attempts and metrics snapshot, which the orchestrator's store effect writes at the
    end of a request, wait out a database outage (both writes are idempotent: by event id, by snapshot id). They
    were lost before: the effect recorded a failed intent and the request's result was stored without them."""

    async def record_attempts(self, events: Sequence[dict[str, Any]]) -> int:
        """Store generation events once the database is there."""
        return await patiently(lambda: super(PatientStore, self).record_attempts(events), "storing attempts")

    async def record_metrics(self, snapshot_id: str, correlation_id: str | None, metrics: dict[str, Any]) -> str:
        """Store a metrics snapshot once the database is there."""
        return await patiently(
            lambda: super(PatientStore, self).record_metrics(snapshot_id, correlation_id, metrics), "storing metrics"
        )


__all__ = ["PatientStore", "is_transient", "patiently"]
