"""Model of the scaffold's input."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .model_node_spec import ModelNodeSpec


class ModelScaffoldRequest(BaseModel):
    """A node spec to render, and what the package imports."""

    model_config = ConfigDict(extra="forbid")

    spec: ModelNodeSpec
    framework: str = Field(default="nodegen", description="What the generated node imports: nodegen (nodegen.onex)")
    prompt: str = Field(default="", description="The prompt the spec answers (its spelled-out names are checked)")
