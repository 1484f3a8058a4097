"""Model of one field of a node spec's request, response or nested model."""

from __future__ import annotations

import keyword

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator


class ModelSpecField(BaseModel):
    """A field: its name, type (from the allowed set, ``spec_types``), default, constraints and description.

    A field is required when no ``default`` is given (``default: null`` makes it optional with None)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="snake_case identifier, kept exactly as the prompt spells it")
    type: str = Field(
        min_length=1,
        description="str, int, float, bool, None, list[T], dict[str, T], Literal['a', 'b'], T | None, or the name "
        "of a nested model of the spec",
    )
    default: JsonValue = Field(default=None, description="The value when the request leaves it out; absent: required")
    description: str = ""
    ge: float | None = Field(default=None, description="Numbers: at least this")
    gt: float | None = Field(default=None, description="Numbers: more than this")
    le: float | None = Field(default=None, description="Numbers: at most this")
    lt: float | None = Field(default=None, description="Numbers: less than this")
    min_length: int | None = Field(default=None, ge=0, description="Strings and lists: at least this long")
    max_length: int | None = Field(default=None, ge=0, description="Strings and lists: at most this long")

    @field_validator("name")
    @classmethod
    def _identifier(cls, name: str) -> str:
        if not name.isidentifier() or not name.isascii():
            raise ValueError(f"field name {name!r} is not a Python identifier (letters, digits, underscores)")
        if keyword.iskeyword(name):
            raise ValueError(f"field name {name!r} is a Python keyword: choose another (e.g. {name}_)")
        if name.startswith(("_", "model_")):
            raise ValueError(f"field name {name!r} cannot start with '_' or 'model_' (pydantic reserves them)")
        return name

    @property
    def required(self) -> bool:
        """No default was given."""
        return "default" not in self.model_fields_set

    @property
    def constraints(self) -> dict[str, float | int]:
        """The constraints that are set, by their pydantic name."""
        values = {
            "ge": self.ge,
            "gt": self.gt,
            "le": self.le,
            "lt": self.lt,
            "min_length": self.min_length,
            "max_length": self.max_length,
        }
        return {key: value for key, value in values.items() if value is not None}
