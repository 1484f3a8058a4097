"""NodeCodegenCodeInjectorEffect v1.0.0."""

from .node import NodeCodegenCodeInjectorEffect

__all__ = ["NodeCodegenCodeInjectorEffect"]
