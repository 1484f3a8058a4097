"""NodeCodegenCodeGeneratorEffect v1.0.0 (imported on first use: ``nodegen.lazy``)."""

from typing import TYPE_CHECKING

from nodegen.lazy import lazy_exports

if TYPE_CHECKING:
    from .conversation import StubConversation
    from .node import NodeCodegenCodeGeneratorEffect
    from .prompting import shown_path

__all__ = [
    "NodeCodegenCodeGeneratorEffect",
    "StubConversation",
    "shown_path",
]
__getattr__ = lazy_exports(
    __name__,
    {
        "NodeCodegenCodeGeneratorEffect": ".node",
        "StubConversation": ".conversation",
        "shown_path": ".prompting",
    },
)
