"""NodeCodegenOrchestrator v1.0.0."""

from .events import CodeValidatedEvent, StubsExtractedEvent
from .node import NodeCodegenOrchestrator
from .workflow import CodeGenerationWorkflow

__all__ = ["CodeGenerationWorkflow", "CodeValidatedEvent", "NodeCodegenOrchestrator", "StubsExtractedEvent"]
