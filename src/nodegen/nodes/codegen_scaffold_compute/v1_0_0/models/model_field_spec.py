"""Model of one field of a scaffolded request or response."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ModelFieldSpec(BaseModel):
    """A pydantic field: name, annotation, default (as code) and description."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(pattern=r"^[a-z_][a-z0-9_]*$")
    type: str = Field(min_length=1, description="The annotation, e.g. 'list[dict[str, Any]]'")
    default: str | None = Field(default=None, description="'default=True' or 'default_factory=list'; None: required")
    description: str = ""
