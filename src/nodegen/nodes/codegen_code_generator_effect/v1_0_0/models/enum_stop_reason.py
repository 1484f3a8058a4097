"""Why the generation of one stub stopped."""

from __future__ import annotations

from enum import StrEnum


class EnumStopReason(StrEnum):
    """``valid`` is the only success."""

    VALID = "valid"
    ATTEMPTS_EXHAUSTED = "attempts_exhausted"
    LLM_ERROR = "llm_error"
    BUDGET_EXHAUSTED = "budget_exhausted"
