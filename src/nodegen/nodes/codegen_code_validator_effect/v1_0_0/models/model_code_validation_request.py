"""Model of the validator's input (``contract.input_state``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .enum_validation_rule import EnumValidationRule
from .model_validation_target import ModelValidationTarget


class ModelCodeValidationRequest(BaseModel):
    """Code to check: a function body, a whole function, or a whole module."""

    model_config = ConfigDict(extra="forbid")

    generated_code: str
    target: ModelValidationTarget | None = None
    validation_rules: list[EnumValidationRule] = Field(default_factory=lambda: [EnumValidationRule.ALL])
    strict_mode: bool | None = Field(default=None, description="Warnings fail too; default: validation_strict_mode")
    file_path: str | None = Field(default=None, description="Where the code lives (decides ONEX file rules)")

    @field_validator("validation_rules", mode="before")
    @classmethod
    def _rules(cls, value: object) -> object:
        if isinstance(value, str | EnumValidationRule):
            value = [value]
        if isinstance(value, list | tuple | set):
            return [EnumValidationRule.parse(item) for item in value]
        return value
