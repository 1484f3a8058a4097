"""Public models of NodeCodegenScaffoldCompute."""

from .enum_node_kind import EnumNodeKind
from .model_node_spec import ModelNodeSpec, to_snake
from .model_scaffold_request import ModelScaffoldRequest
from .model_scaffold_result import ModelScaffoldFile, ModelScaffoldResult
from .model_spec_example import (
    ERROR_CODES,
    ModelExampleCheck,
    ModelExampleSetup,
    ModelHttpRoute,
    ModelSpecExample,
)
from .model_spec_field import ModelSpecField
from .model_spec_operation import ModelSpecOperation
from .model_spec_parts import IOHint, IOKind, ModelIoOperation, ModelSpecIntent, ModelSpecModel, ModelSpecStep

__all__ = [
    "ERROR_CODES",
    "EnumNodeKind",
    "IOHint",
    "IOKind",
    "ModelExampleCheck",
    "ModelExampleSetup",
    "ModelHttpRoute",
    "ModelIoOperation",
    "ModelNodeSpec",
    "ModelScaffoldFile",
    "ModelScaffoldRequest",
    "ModelScaffoldResult",
    "ModelSpecExample",
    "ModelSpecField",
    "ModelSpecIntent",
    "ModelSpecModel",
    "ModelSpecOperation",
    "ModelSpecStep",
    "to_snake",
]
