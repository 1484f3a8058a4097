"""Public models of NodeCodegenMetricsReducer."""

from .model_codegen_metrics import ModelCodegenMetrics
from .model_codegen_metrics_reducer_output import ModelCodegenMetricsReducerOutput
from .model_metrics_group import ModelMetricsGroup
from .model_metrics_reduction_request import ModelMetricsReductionRequest

__all__ = [
    "ModelCodegenMetrics",
    "ModelCodegenMetricsReducerOutput",
    "ModelMetricsGroup",
    "ModelMetricsReductionRequest",
]
