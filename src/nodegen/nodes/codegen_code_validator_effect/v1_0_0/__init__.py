"""NodeCodegenCodeValidatorEffect v1.0.0."""

from .node import NodeCodegenCodeValidatorEffect

__all__ = ["NodeCodegenCodeValidatorEffect"]
