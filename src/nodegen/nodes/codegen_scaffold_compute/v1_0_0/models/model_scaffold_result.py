"""Model of the scaffold's result."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .model_node_spec import ModelNodeSpec


class ModelScaffoldFile(BaseModel):
    """One rendered file, its path relative to the output directory."""

    path: str
    content: str


class ModelScaffoldResult(BaseModel):
    """The spec and every file of its package."""

    spec: ModelNodeSpec
    package_dir: str = Field(description="Relative path of the package's version folder, e.g. 'x_effect/v1_0_0'")
    files: list[ModelScaffoldFile] = Field(default_factory=list)
