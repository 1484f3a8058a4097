"""Model of the intent that publishes a run's metrics."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from nodegen.onex import EnumIntentType, ModelIntentBase

from .model_metrics_recorded_event import ModelMetricsRecordedEvent


class ModelPublishMetrics(BaseModel):
    """Where and what to publish."""

    model_config = ConfigDict(frozen=True)

    topic: str
    key: str
    event_type: Literal["metrics_recorded"] = "metrics_recorded"
    event: ModelMetricsRecordedEvent


class ModelPublishMetricsIntent(ModelIntentBase):
    """Publish ``payload`` on the event bus."""

    intent_type: Literal[EnumIntentType.PUBLISH_EVENT] = EnumIntentType.PUBLISH_EVENT
    target: Literal["event_bus"] = "event_bus"
    payload: ModelPublishMetrics
