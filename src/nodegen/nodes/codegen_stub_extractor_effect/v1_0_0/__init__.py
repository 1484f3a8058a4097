"""NodeCodegenStubExtractorEffect v1.0.0."""

from .node import DEFAULT_PATTERNS, NodeCodegenStubExtractorEffect

__all__ = ["DEFAULT_PATTERNS", "NodeCodegenStubExtractorEffect"]
