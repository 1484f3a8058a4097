"""Model of what a prompt asks for."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from .enum_node_kind import EnumNodeKind
from .model_field_spec import ModelFieldSpec


class ModelNodeRequirements(BaseModel):
    """The node a prompt describes: kind, names, domain, operations, features, input and output fields."""

    node_type: EnumNodeKind
    name: str = Field(pattern=r"^[A-Z][A-Za-z0-9]*$", description="PascalCase, e.g. 'DataProcessor'")
    service_name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="snake_case, e.g. 'data_processor'")
    domain: str = Field(default="general", description="e.g. 'data', 'billing'")
    description: str = Field(min_length=1)
    operations: list[str] = Field(default_factory=list)
    features: list[str] = Field(default_factory=list)
    input_fields: list[ModelFieldSpec] = Field(default_factory=list)
    output_fields: list[ModelFieldSpec] = Field(default_factory=list)
    source: Literal["llm", "keywords"] = "keywords"

    @field_validator("operations", "features")
    @classmethod
    def _words(cls, values: list[str]) -> list[str]:
        return [value.strip() for value in values if value.strip()]

    @property
    def class_name(self) -> str:
        """``Node<Name><Kind>``."""
        return f"Node{self.name}{self.node_type.value.capitalize()}"

    @property
    def package_name(self) -> str:
        """``<snake_name>_<kind>``."""
        return f"{self.service_name}_{self.node_type.value}"
