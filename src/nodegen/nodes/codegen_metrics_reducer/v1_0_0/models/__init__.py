"""Public models of NodeCodegenMetricsReducer."""

from .model_codegen_metrics import ModelCodegenMetrics
from .model_codegen_metrics_reducer_output import ModelCodegenMetricsReducerOutput
from .model_metrics_group import ModelMetricsGroup

__all__ = ["ModelCodegenMetrics", "ModelCodegenMetricsReducerOutput", "ModelMetricsGroup"]
