"""One call with a time limit, retried with exponential backoff (and the server's Retry-After) on rate limits, server
errors, timeouts and dropped connections; the run's budget is checked before every try."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass

from .budget import RunBudget
from .protocol import EnumLLMFailure, LLMClient, LLMError, ModelCompletion, ModelCompletionRequest


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long one call may take and how often a failed call is tried again."""

    timeout_s: float = 120.0
    max_retries: int = 4
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0

    def delay(self, retry: int, error: LLMError) -> float:
        """The pause before retry number ``retry`` (1-based): the server's Retry-After, else jittered backoff."""
        if error.retry_after_s is not None:
            return min(error.retry_after_s, self.max_delay_s)
        ceiling = min(self.max_delay_s, self.base_delay_s * 2 ** (retry - 1))
        return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not cryptography


async def complete_with_retries(
    client: LLMClient,
    request: ModelCompletionRequest,
    policy: RetryPolicy,
    budget: RunBudget | None = None,
) -> ModelCompletion:
    """The answer; ``LLMError`` (with ``retries`` set) when every try failed or the budget forbids a call."""
    retries = 0
    limit_s = policy.timeout_s * client.capabilities.batch_time()  # a call may be one of a batch decoded together
    while True:
        if budget is not None:
            budget.check()
        try:
            async with asyncio.timeout(limit_s):
                completion = await client.complete(request)
        except TimeoutError:
            error = LLMError(EnumLLMFailure.TIMEOUT, f"{client.identity} gave no answer within {limit_s:g} s")
        except LLMError as failure:
            error = failure
        else:
            completion.retries = retries
            if budget is not None:
                budget.charge(completion)
            return completion
        if not error.kind.retryable or retries >= policy.max_retries:
            error.retries = retries
            if retries:
                error.message += f" (after {retries} retr{'y' if retries == 1 else 'ies'})"
                error.args = (error.message,)
            raise error
        retries += 1
        await asyncio.sleep(policy.delay(retries, error))


__all__ = ["RetryPolicy", "complete_with_retries"]
