"""A run's spending limit, shared by every concurrent stub: once spent, no new call starts."""

from __future__ import annotations

from dataclasses import dataclass, field

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


__all__ = ["RunBudget"]
