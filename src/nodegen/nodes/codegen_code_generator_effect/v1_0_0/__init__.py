"""NodeCodegenCodeGeneratorEffect v1.0.0."""

from .generation import StubConversation
from .node import NodeCodegenCodeGeneratorEffect
from .prompting import shown_path

__all__ = ["NodeCodegenCodeGeneratorEffect", "StubConversation", "shown_path"]
