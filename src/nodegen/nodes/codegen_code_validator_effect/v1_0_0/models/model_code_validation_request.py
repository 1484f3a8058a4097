"""Model of the validator's input (``contract.input_state``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .enum_validation_rule import ValidationRules
from .model_validation_target import ModelValidationTarget


class ModelCodeValidationRequest(BaseModel):
    """Code to check: a function body, a whole function, or a whole module."""

    model_config = ConfigDict(extra="forbid")

    generated_code: str
    target: ModelValidationTarget | None = None
    validation_rules: ValidationRules
    strict_mode: bool | None = Field(default=None, description="Warnings fail too; default: validation_strict_mode")
    file_path: str | None = Field(default=None, description="Where the code lives (decides ONEX file rules)")

