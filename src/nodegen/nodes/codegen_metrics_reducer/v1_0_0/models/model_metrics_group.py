"""Model of the metrics of one group of attempts (a model, a node type, a time window)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class ModelMetricsGroup(BaseModel):
    """Attempts, outcomes, tokens, cost and latency of one group."""

    attempts: int = Field(default=0, ge=0)
    valid_attempts: int = Field(default=0, ge=0)
    stubs_filled: int = Field(default=0, ge=0, description="Stubs whose valid attempt falls in this group")
    prompt_tokens: int = Field(default=0, ge=0)
    completion_tokens: int = Field(default=0, ge=0)
    cost_usd: float = Field(default=0.0, ge=0.0, description="Sum of the known prices")
    unpriced_attempts: int = Field(default=0, ge=0, description="Paid attempts whose price is unknown")
    cache_hits: int = Field(default=0, ge=0)
    latency_p50_ms: float = Field(default=0.0, ge=0.0)
    latency_p95_ms: float = Field(default=0.0, ge=0.0)
    window_start: datetime | None = Field(default=None, description="Start of the time window (window groups only)")
