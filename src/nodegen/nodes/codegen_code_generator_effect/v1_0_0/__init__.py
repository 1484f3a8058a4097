"""NodeCodegenCodeGeneratorEffect v1.0.0."""

from .node import NodeCodegenCodeGeneratorEffect

__all__ = ["NodeCodegenCodeGeneratorEffect"]
