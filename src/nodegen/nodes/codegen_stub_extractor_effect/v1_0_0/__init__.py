"""NodeCodegenStubExtractorEffect v1.0.0."""

from .node import NodeCodegenStubExtractorEffect

__all__ = ["NodeCodegenStubExtractorEffect"]
