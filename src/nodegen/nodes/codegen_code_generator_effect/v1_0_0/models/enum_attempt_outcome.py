"""How one generation attempt ended."""

from __future__ import annotations

from enum import StrEnum


class EnumAttemptOutcome(StrEnum):
    """``valid`` passes the validator; every other outcome is a failed attempt, but ``budget_exhausted`` and
    ``not_written``, which record what happened to the stub without a call."""

    VALID = "valid"
    INVALID = "invalid"  # the validator found errors
    NO_CODE = "no_code"  # the answer holds no usable code
    LLM_ERROR = "llm_error"  # no answer: rate limits, server errors or timeouts outlasted the retries
    BUDGET_EXHAUSTED = "budget_exhausted"  # no call made: the run's budget is spent
    NOT_WRITTEN = "not_written"  # no call made: the stub's valid answer was not written (file locked, changed, ...)
