"""NodeCodegenStubExtractorEffect v1.0.0."""

from .extraction import StubScan
from .node import NodeCodegenStubExtractorEffect

__all__ = ["NodeCodegenStubExtractorEffect", "StubScan"]
