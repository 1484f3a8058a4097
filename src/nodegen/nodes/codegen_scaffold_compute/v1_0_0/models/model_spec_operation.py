"""Model of one operation of a node spec: a function of request fields that gives response fields, with examples."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .model_spec_example import ModelSpecExample


class ModelSpecOperation(BaseModel):
    """A function the node calls: its name, what it does (its docstring), the request fields it takes and the
    response fields it gives (default: all of them), and its examples (a typical case, an edge case, each error
    rule)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="snake_case function name")
    description: str = Field(min_length=1, description="What it computes or does, every rule the prompt states")
    inputs: list[str] | None = Field(default=None, description="Request fields it takes; absent: all of them")
    outputs: list[str] | None = Field(default=None, description="Response fields it gives; absent: all of them")
    examples: list[ModelSpecExample] = Field(min_length=1)

    @property
    def error_codes(self) -> list[str]:
        """The ``ModelOnexError`` codes its examples raise, each once, sorted."""
        return sorted({example.error for example in self.examples if example.error})

    @field_validator("description")
    @classmethod
    def _stripped(cls, text: str) -> str:
        return text.strip()
