"""Model of the intent that persists a run's metrics."""

from __future__ import annotations

from typing import Literal

from nodegen.onex import EnumIntentType, ModelIntentBase

from .model_metrics_snapshot import ModelMetricsSnapshot


class ModelPersistMetricsIntent(ModelIntentBase):
    """Persist ``payload`` with the store effect (its snapshot id is the intent's id: executed twice, stored once)."""

    intent_type: Literal[EnumIntentType.PERSIST_METRICS] = EnumIntentType.PERSIST_METRICS
    target: Literal["store_effect"] = "store_effect"
    payload: ModelMetricsSnapshot
