"""NodeCodegenCodeValidatorEffect v1.0.0, and the docstring examples of a stub as it reads them (imported on first
use: ``nodegen.lazy``)."""

from typing import TYPE_CHECKING

from nodegen.lazy import lazy_exports

if TYPE_CHECKING:
    from .checks.examples import stub_examples
    from .node import NodeCodegenCodeValidatorEffect

__all__ = [
    "NodeCodegenCodeValidatorEffect",
    "stub_examples",
]
__getattr__ = lazy_exports(
    __name__,
    {
        "NodeCodegenCodeValidatorEffect": ".node",
        "stub_examples": ".checks.examples",
    },
)
