"""NodeCodegenCodeGeneratorEffect v1.0.0 (imported on first use: ``nodegen.lazy``)."""

from typing import TYPE_CHECKING

from nodegen.lazy import lazy_exports

if TYPE_CHECKING:
    from .conversation import StubConversation
    from .node import NodeCodegenCodeGeneratorEffect
    from .port import ModelAttemptDraft, ModelAttemptVerdict, ModelCodeGenerationRequest, ModelCodeGenerationResult
    from .prompting import shown_path

__all__ = [
    "ModelAttemptDraft",
    "ModelAttemptVerdict",
    "ModelCodeGenerationRequest",
    "ModelCodeGenerationResult",
    "NodeCodegenCodeGeneratorEffect",
    "StubConversation",
    "shown_path",
]
__getattr__ = lazy_exports(
    __name__,
    {
        "ModelAttemptDraft": ".port",
        "ModelAttemptVerdict": ".port",
        "ModelCodeGenerationRequest": ".port",
        "ModelCodeGenerationResult": ".port",
        "NodeCodegenCodeGeneratorEffect": ".node",
        "StubConversation": ".conversation",
        "shown_path": ".prompting",
    },
)
