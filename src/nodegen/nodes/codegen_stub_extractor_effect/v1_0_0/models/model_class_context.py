"""Model of a class that encloses a stub."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ModelClassContext(BaseModel):
    """One class of the chain around a stub, as written in the source."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(description="Class name")
    qualified_name: str = Field(description="Dotted path from the module, e.g. 'Outer.Inner'")
    line_number: int = Field(ge=1, description="Line of the 'class' keyword")
    bases: list[str] = Field(default_factory=list, description="Base classes and class keywords, as source")
    decorators: list[str] = Field(default_factory=list, description="Decorators, as source, each with its '@'")
    docstring: str | None = Field(default=None, description="Cleaned docstring")
    attributes: list[str] = Field(
        default_factory=list, description="Class-level assignments and annotations, as source"
    )
