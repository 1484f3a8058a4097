"""NodeCodegenMetricsReducer v1.0.0 (imported on first use: ``nodegen.lazy``)."""

from typing import TYPE_CHECKING

from nodegen.lazy import lazy_exports

if TYPE_CHECKING:
    from .node import NodeCodegenMetricsReducer

__all__ = ["NodeCodegenMetricsReducer"]
__getattr__ = lazy_exports(__name__, {"NodeCodegenMetricsReducer": ".node"})
