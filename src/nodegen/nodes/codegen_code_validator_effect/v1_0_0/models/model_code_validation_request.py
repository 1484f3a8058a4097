"""Model of the validator's input (``contract.input_state``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from nodegen.infra.source_text import source_text

from .enum_validation_rule import ValidationRules, every_rule
from .model_validation_target import ModelValidationTarget


class ModelCodeValidationRequest(BaseModel):
    """Code to check: a function body, a whole function, or a whole module."""

    model_config = ConfigDict(extra="forbid")

    generated_code: str = Field(description="The code to check (bytes are decoded as Python would)")
    target: ModelValidationTarget | None = None
    validation_rules: ValidationRules = Field(default_factory=every_rule)
    strict_mode: bool | None = Field(default=None, description="Warnings fail too; default: validation_strict_mode")
    file_path: str | None = Field(default=None, description="Where the code lives (decides ONEX file rules)")


    @model_validator(mode="before")
    @classmethod
    def _code_given(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("generated_code") is None:
            raise ValueError("Missing required field: generated_code (the code to check)")
        return data

    @field_validator("generated_code", mode="before")
    @classmethod
    def _text(cls, code: Any) -> str:
        return source_text(code, origin="generated_code")
