"""Public models of NodeCodegenMetricsReducer."""

from .model_codegen_metrics import ModelCodegenMetrics
from .model_codegen_metrics_reducer_output import CodegenIntent, ModelCodegenMetricsReducerOutput
from .model_metrics_group import ModelMetricsGroup
from .model_metrics_recorded_event import ModelMetricsRecordedEvent
from .model_metrics_reduction_request import ModelMetricsReductionRequest
from .model_metrics_snapshot import ModelMetricsSnapshot
from .model_persist_metrics_intent import ModelPersistMetricsIntent
from .model_publish_metrics_intent import ModelPublishMetrics, ModelPublishMetricsIntent

__all__ = [
    "CodegenIntent",
    "ModelCodegenMetrics",
    "ModelCodegenMetricsReducerOutput",
    "ModelMetricsGroup",
    "ModelMetricsRecordedEvent",
    "ModelMetricsReductionRequest",
    "ModelMetricsSnapshot",
    "ModelPersistMetricsIntent",
    "ModelPublishMetrics",
    "ModelPublishMetricsIntent",
]
