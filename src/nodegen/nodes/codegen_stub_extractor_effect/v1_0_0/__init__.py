"""NodeCodegenStubExtractorEffect v1.0.0 (imported on first use: ``nodegen.lazy``)."""

from typing import TYPE_CHECKING

from nodegen.lazy import lazy_exports

if TYPE_CHECKING:
    from .extraction import StubScan
    from .node import NodeCodegenStubExtractorEffect

__all__ = ["NodeCodegenStubExtractorEffect", "StubScan"]
__getattr__ = lazy_exports(__name__, {"NodeCodegenStubExtractorEffect": ".node", "StubScan": ".extraction"})
