"""NodeCodegenCodeGeneratorEffect v1.0.0."""

from .generation import StubConversation
from .node import NodeCodegenCodeGeneratorEffect

__all__ = ["NodeCodegenCodeGeneratorEffect", "StubConversation"]
