"""NodeCodegenOrchestrator v1.0.0 (imported on first use: ``nodegen.lazy``)."""

from typing import TYPE_CHECKING

from nodegen.lazy import lazy_exports

if TYPE_CHECKING:
    from .events import CodeValidatedEvent, StubsExtractedEvent
    from .node import NodeCodegenOrchestrator
    from .outcomes import Written, injection_request, not_filled_because, not_written_event, run_totals
    from .workflow import CodeGenerationWorkflow

__all__ = [
    "CodeGenerationWorkflow",
    "CodeValidatedEvent",
    "NodeCodegenOrchestrator",
    "StubsExtractedEvent",
    "Written",
    "injection_request",
    "not_filled_because",
    "not_written_event",
    "run_totals",
]
__getattr__ = lazy_exports(
    __name__,
    {
        "CodeGenerationWorkflow": ".workflow",
        "CodeValidatedEvent": ".events",
        "NodeCodegenOrchestrator": ".node",
        "StubsExtractedEvent": ".events",
        "Written": ".outcomes",
        "injection_request": ".outcomes",
        "not_filled_because": ".outcomes",
        "not_written_event": ".outcomes",
        "run_totals": ".outcomes",
    },
)
