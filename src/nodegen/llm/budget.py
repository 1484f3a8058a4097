"""A run's spending limit, shared by every concurrent stub: once spent, no new call starts. ``SharedRunBudget``
holds across processes: every worker of a run adds what it spends to one row of the shared database and checks
against the run's total."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Protocol

from nodegen.onex import EnumLogLevel, ModelOnexError, emit_log_event

from .protocol import EnumLLMFailure, LLMError, ModelCompletion


@dataclass(slots=True)
class RunBudget:
    """Tokens and dollars a run may spend (``None``: no limit).

    Calls already in flight when the limit is reached finish (their answers are paid for), so a run may end slightly
    over; no call starts after that. A call whose price is unknown counts its tokens but no dollars (``unpriced_calls``
    says how many such calls there were, so a cost limit is never silently claimed to hold).
    """

    max_tokens: int | None = None
    max_cost_usd: float | None = None
    tokens_spent: int = 0
    cost_usd: float = 0.0
    calls: int = 0
    unpriced_calls: int = 0
    refused_calls: int = field(default=0)

    def exhausted_reason(self) -> str | None:
        """Why no further call may start, or None."""
        if self.max_tokens is not None and self.tokens_spent >= self.max_tokens:
            return f"the run's token budget is spent ({self.tokens_spent} of {self.max_tokens} tokens)"
        if self.max_cost_usd is not None and self.cost_usd >= self.max_cost_usd:
            return f"the run's cost budget is spent (${self.cost_usd:.4f} of ${self.max_cost_usd:.4f})"
        return None

    def check(self) -> None:
        """Raise ``LLMError(BUDGET_EXHAUSTED)`` when no new call may start."""
        reason = self.exhausted_reason()
        if reason is not None:
            self.refused_calls += 1
            raise LLMError(EnumLLMFailure.BUDGET_EXHAUSTED, f"no call made: {reason}")

    def charge(self, completion: ModelCompletion) -> None:
        """Count what a call spent (cached and replayed answers cost nothing)."""
        if completion.cached:
            return
        self.calls += 1
        self.tokens_spent += completion.input_tokens + completion.output_tokens
        if completion.cost_usd is None:
            self.unpriced_calls += 1
        else:
            self.cost_usd += completion.cost_usd


class SpendTotals(Protocol):
    """A run's spending across every worker."""

    @property
    def tokens_spent(self) -> int: ...

    @property
    def cost_usd(self) -> float: ...

    @property
    def calls(self) -> int: ...

    @property
    def unpriced_calls(self) -> int: ...


class SpendLedger(Protocol):
    """Where runs' spending is added up (``nodegen.infra.work_store.WorkStore`` on PostgreSQL)."""

    async def spend(self, run_id: str, tokens: int, cost_usd: float, *, calls: int, unpriced: int) -> SpendTotals:
        """Add to the run's spending; the run's new totals."""
        ...

    async def spent(self, run_id: str) -> SpendTotals:
        """The run's totals."""
        ...


@dataclass(slots=True)
class SharedRunBudget(RunBudget):
    """A ``RunBudget`` whose totals are the whole run's, across every worker.

    ``check`` reads the run's totals as last seen: ``refresh`` before a request, and every charge sends what this
    process spent and reads back the run's totals. Between two such moments another worker's calls are not yet
    seen, so a run may end over its limit by the calls in flight in all its workers (as one process may by its own);
    no call starts once the total seen is over. A database that cannot be reached keeps the spending to send later.
    """

    run_id: str = ""
    ledger: SpendLedger | None = None
    _unsent: list[float] = field(default_factory=lambda: [0, 0.0, 0, 0])  # tokens, cost, calls, unpriced
    _sending: asyncio.Lock = field(default_factory=asyncio.Lock)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def charge(self, completion: ModelCompletion) -> None:
        """Count the call here at once, and send it to the ledger (in the background)."""
        if completion.cached:
            return
        RunBudget.charge(self, completion)
        self._unsent[0] += completion.input_tokens + completion.output_tokens
        self._unsent[1] += completion.cost_usd or 0.0
        self._unsent[2] += 1
        self._unsent[3] += 1 if completion.cost_usd is None else 0
        task = asyncio.get_running_loop().create_task(self._send())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _see(self, totals: SpendTotals) -> None:
        tokens, cost, calls, unpriced = self._unsent
        self.tokens_spent = totals.tokens_spent + int(tokens)
        self.cost_usd = totals.cost_usd + cost
        self.calls = totals.calls + int(calls)
        self.unpriced_calls = totals.unpriced_calls + int(unpriced)

    async def _send(self) -> None:
        if self.ledger is None:
            return
        async with self._sending:
            tokens, cost, calls, unpriced = self._unsent
            if not calls:
                return
            self._unsent = [0, 0.0, 0, 0]
            try:
                totals = await self.ledger.spend(
                    self.run_id, int(tokens), cost, calls=int(calls), unpriced=int(unpriced)
                )
            except ModelOnexError as error:
                for index, value in enumerate((tokens, cost, calls, unpriced)):
                    self._unsent[index] += value
                emit_log_event(
                    EnumLogLevel.WARNING, "the run's spending could not be recorded yet", {"error": error.message}
                )
                return
            self._see(totals)

    async def refresh(self) -> None:
        """Read the run's totals (what every worker spent) into this budget."""
        if self.ledger is None:
            return
        await self._send()
        try:
            self._see(await self.ledger.spent(self.run_id))
        except ModelOnexError as error:
            emit_log_event(EnumLogLevel.WARNING, "the run's spending could not be read", {"error": error.message})

    async def flush(self) -> None:
        """Wait until what this process spent is recorded (or kept for later when the database is away)."""
        if self._tasks:
            await asyncio.gather(*self._tasks)
        await self._send()


__all__ = ["RunBudget", "SharedRunBudget", "SpendLedger", "SpendTotals"]
