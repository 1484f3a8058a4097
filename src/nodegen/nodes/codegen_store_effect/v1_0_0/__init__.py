"""NodeCodegenStoreEffect v1.0.0."""

from .node import NodeCodegenStoreEffect

__all__ = ["NodeCodegenStoreEffect"]
