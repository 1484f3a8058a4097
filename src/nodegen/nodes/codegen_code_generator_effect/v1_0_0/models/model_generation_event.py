"""Model of one generation attempt, as an event for the metrics reducer and the store."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field

from .enum_attempt_outcome import EnumAttemptOutcome


class ModelGenerationEvent(BaseModel):
    """What one attempt at one stub cost and how it ended. ``event_id`` is stable, for de-duplication downstream."""

    model_config = ConfigDict(frozen=True)

    event_type: Literal["codegen.generation_attempt"] = "codegen.generation_attempt"
    schema_version: Literal["1.0"] = "1.0"
    event_id: UUID = Field(default_factory=uuid4)
    correlation_id: UUID | None = None
    timestamp: datetime = Field(default_factory=lambda: datetime.now(UTC))
    file_path: str | None = None
    qualified_name: str
    node_type: str | None = Field(default=None, description="effect, compute, reducer or orchestrator (ONEX files)")
    attempt: int = Field(ge=1)
    provider: str
    model: str
    prompt_tokens: int = Field(default=0, ge=0)
    completion_tokens: int = Field(default=0, ge=0)
    latency_ms: float = Field(default=0.0, ge=0.0, description="Time of the call(s), retries and backoff included")
    cost_usd: float | None = Field(default=None, description="None when the model's price is unknown")
    cache_hit: bool = Field(default=False, description="Answered from the cache or a replay file: no call was made")
    retries: int = Field(default=0, ge=0)
    outcome: EnumAttemptOutcome
    error_count: int = Field(default=0, ge=0)
    warning_count: int = Field(default=0, ge=0)
    finding_codes: list[str] = Field(default_factory=list, description="Codes of the errors found, in order")
    message: str | None = Field(default=None, description="The first error, or why there was no answer")
    prompt_hash: str = Field(description="sha256 of the prompt sent")
    answer_hash: str | None = Field(default=None, description="sha256 of the answer received")
    prompt_text: str | None = Field(default=None, description="The prompt itself, only when storing texts is enabled")
    answer_text: str | None = Field(default=None, description="The answer itself, only when storing texts is enabled")
