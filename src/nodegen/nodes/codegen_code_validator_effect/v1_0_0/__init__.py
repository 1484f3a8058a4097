"""NodeCodegenCodeValidatorEffect v1.0.0: the node, and the docstring examples of a stub as it reads them."""

from .checks.examples import stub_examples
from .node import NodeCodegenCodeValidatorEffect

__all__ = ["NodeCodegenCodeValidatorEffect", "stub_examples"]
