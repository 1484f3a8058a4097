"""Model of the reducer's result."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from .model_codegen_metrics import ModelCodegenMetrics
from .model_persist_metrics_intent import ModelPersistMetricsIntent
from .model_publish_metrics_intent import ModelPublishMetricsIntent

CodegenIntent = Annotated[ModelPersistMetricsIntent | ModelPublishMetricsIntent, Field(discriminator="intent_type")]
"""An intent of the metrics reducer: one of the kinds the orchestrator executes (``match``, no strings)."""


class ModelCodegenMetricsReducerOutput(BaseModel):
    """The aggregated metrics and the intents that persist and publish them (for the orchestrator to execute,
    10 first)."""

    metrics: ModelCodegenMetrics
    intents: list[CodegenIntent] = Field(default_factory=list)
