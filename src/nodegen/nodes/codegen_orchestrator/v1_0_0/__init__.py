"""NodeCodegenOrchestrator v1.0.0."""

from .events import CodeValidatedEvent, StubsExtractedEvent
from .node import NodeCodegenOrchestrator
from .outcomes import Written, not_filled_because, read_back, run_totals
from .workflow import CodeGenerationWorkflow

__all__ = [
    "CodeGenerationWorkflow",
    "CodeValidatedEvent",
    "NodeCodegenOrchestrator",
    "StubsExtractedEvent",
    "Written",
    "not_filled_because",
    "read_back",
    "run_totals",
]
