"""NodeCodegenMetricsReducer v1.0.0."""

from .node import NodeCodegenMetricsReducer

__all__ = ["NodeCodegenMetricsReducer"]
