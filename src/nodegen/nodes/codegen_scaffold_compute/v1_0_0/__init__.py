"""NodeCodegenScaffoldCompute v1.0.0."""

from .node import NodeCodegenScaffoldCompute

__all__ = ["NodeCodegenScaffoldCompute"]
