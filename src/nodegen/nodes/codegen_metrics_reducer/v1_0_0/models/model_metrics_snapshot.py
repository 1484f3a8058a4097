"""Model of the persist intent's payload."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from nodegen.nodes.codegen_code_generator_effect.v1_0_0.models import ModelGenerationEvent

from .model_codegen_metrics import ModelCodegenMetrics


class ModelMetricsSnapshot(BaseModel):
    """What the store effect persists: the run's metrics and, unless left out, one row per attempt."""

    model_config = ConfigDict(frozen=True)

    metrics: ModelCodegenMetrics
    attempts: list[ModelGenerationEvent] = Field(default_factory=list)
