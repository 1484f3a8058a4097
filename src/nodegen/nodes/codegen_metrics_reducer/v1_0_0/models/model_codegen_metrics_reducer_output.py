"""Model of the reducer's result."""

from __future__ import annotations

from pydantic import BaseModel, Field

from nodegen.onex import ModelIntent

from .model_codegen_metrics import ModelCodegenMetrics


class ModelCodegenMetricsReducerOutput(BaseModel):
    """The aggregated metrics and the intents that persist and publish them (for the orchestrator to execute)."""

    metrics: ModelCodegenMetrics
    intents: list[ModelIntent] = Field(default_factory=list)
