"""Public models of NodeCodegenScaffoldCompute."""

from .enum_node_kind import EnumNodeKind
from .model_field_spec import ModelFieldSpec
from .model_node_requirements import ModelNodeRequirements
from .model_scaffold_result import ModelScaffoldFile, ModelScaffoldResult

__all__ = ["EnumNodeKind", "ModelFieldSpec", "ModelNodeRequirements", "ModelScaffoldFile", "ModelScaffoldResult"]
