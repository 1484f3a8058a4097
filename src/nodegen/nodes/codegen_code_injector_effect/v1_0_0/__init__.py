"""NodeCodegenCodeInjectorEffect v1.0.0, and its pure preview (the text an injection would write, for the validator
to check exactly that). Imported on first use (``nodegen.lazy``)."""

from typing import TYPE_CHECKING

from nodegen.lazy import lazy_exports

if TYPE_CHECKING:
    from .injection import InjectionOptions, preview, stub_definition
    from .node import NodeCodegenCodeInjectorEffect

__all__ = [
    "InjectionOptions",
    "NodeCodegenCodeInjectorEffect",
    "preview",
    "stub_definition",
]
__getattr__ = lazy_exports(
    __name__,
    {
        "InjectionOptions": ".injection",
        "NodeCodegenCodeInjectorEffect": ".node",
        "preview": ".injection",
        "stub_definition": ".injection",
    },
)
