"""Model of the event the publish intent carries."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from .model_codegen_metrics import ModelCodegenMetrics


class ModelMetricsRecordedEvent(BaseModel):
    """The body of ``metrics_recorded`` on the bus (schema 1.0)."""

    model_config = ConfigDict(frozen=True)

    schema_version: Literal["1.0"] = "1.0"
    correlation_id: str
    timestamp: str
    metrics: ModelCodegenMetrics
