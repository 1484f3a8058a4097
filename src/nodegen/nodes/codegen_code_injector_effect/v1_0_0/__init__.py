"""NodeCodegenCodeInjectorEffect v1.0.0, and its pure preview (the text an injection would write, for the validator
to check exactly that)."""

from .injection import InjectionOptions, preview, stub_definition
from .node import NodeCodegenCodeInjectorEffect

__all__ = ["InjectionOptions", "NodeCodegenCodeInjectorEffect", "preview", "stub_definition"]
