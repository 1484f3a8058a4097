"""The settings the metrics reducer reads (names, types and defaults are the settings')."""

from __future__ import annotations

from nodegen.settings import NodeOptions


class ModelMetricsReducerOptions(NodeOptions):
    """The time window of the aggregated metrics."""

    metrics_window_seconds: int
