"""NodeCodegenCodeInjectorEffect v1.0.0."""

from .node import FILE_TARGET, NodeCodegenCodeInjectorEffect

__all__ = ["FILE_TARGET", "NodeCodegenCodeInjectorEffect"]
