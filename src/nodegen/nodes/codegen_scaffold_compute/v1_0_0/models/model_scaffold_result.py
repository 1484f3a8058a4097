"""Model of the scaffold's result."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .model_node_requirements import ModelNodeRequirements


class ModelScaffoldFile(BaseModel):
    """One rendered file, its path relative to the output directory."""

    path: str
    content: str


class ModelScaffoldResult(BaseModel):
    """The requirements and every file of the package."""

    requirements: ModelNodeRequirements
    package_dir: str = Field(description="Relative path of the package's version folder, e.g. 'x_effect/v1_0_0'")
    files: list[ModelScaffoldFile] = Field(default_factory=list)
