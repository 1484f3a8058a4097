"""Model of the aggregated metrics."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .model_metrics_group import ModelMetricsGroup


class ModelCodegenMetrics(BaseModel):
    """Everything the reducer aggregates from generation events."""

    events_total: int = Field(default=0, ge=0, description="Events received, skipped ones included")
    events_skipped: int = Field(default=0, ge=0)
    skipped_reasons: dict[str, int] = Field(default_factory=dict, description="Why events were skipped, counted")
    runs: int = Field(default=0, ge=0, description="Distinct correlation ids")
    stubs_total: int = Field(default=0, ge=0)
    stubs_filled: int = Field(default=0, ge=0)
    stubs_failed: int = Field(default=0, ge=0)
    success_rate: float = Field(default=0.0, ge=0.0, le=1.0, description="Filled / total stubs (0.0 with no stubs)")
    attempts_total: int = Field(default=0, ge=0, description="Attempts that reached a model (budget refusals not)")
    attempts_per_stub: float = Field(default=0.0, ge=0.0)
    first_attempt_success_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    duration_p50_ms: float = Field(default=0.0, ge=0.0, description="Per attempt call latency")
    duration_p95_ms: float = Field(default=0.0, ge=0.0)
    duration_p99_ms: float = Field(default=0.0, ge=0.0)
    prompt_tokens: int = Field(default=0, ge=0)
    completion_tokens: int = Field(default=0, ge=0)
    total_tokens: int = Field(default=0, ge=0)
    cost_usd: float | None = Field(default=None, description="None when any paid attempt's price is unknown")
    cost_usd_known: float = Field(default=0.0, ge=0.0, description="Sum of the known prices")
    unpriced_attempts: int = Field(default=0, ge=0)
    cache_hits: int = Field(default=0, ge=0)
    outcomes: dict[str, int] = Field(default_factory=dict, description="Attempts by outcome")
    by_model: dict[str, ModelMetricsGroup] = Field(default_factory=dict, description="Keyed 'provider:model'")
    by_node_type: dict[str, ModelMetricsGroup] = Field(default_factory=dict, description="'none' for plain files")
    by_window: list[ModelMetricsGroup] = Field(default_factory=list, description="Time windows in order")
    window_seconds: int = Field(default=3600, ge=1)
