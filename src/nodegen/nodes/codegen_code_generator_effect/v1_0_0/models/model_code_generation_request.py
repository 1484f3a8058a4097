"""Model of the generator's input (``contract.input_state``)."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import ValidationRules, every_rule
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.models import ModelMethodStub


class ModelCodeGenerationRequest(BaseModel):
    """The file whose stubs to fill, and which of them."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    source: str = Field(
        validation_alias=AliasChoices("source", "node_file_content", "source_code"), description="The file's text"
    )
    file_path: str | None = Field(default=None, description="Where the file is (node package context, ONEX rules)")
    stubs: list[ModelMethodStub] | None = Field(
        default=None, description="The stubs to fill (as the extractor gives them); default: every stub of the file"
    )
    only: list[str] | None = Field(default=None, description="Fill only the stubs with these qualified names")
    max_attempts: int | None = Field(default=None, ge=1, le=20, description="Default: the max_attempts setting")
    validation_rules: ValidationRules = Field(default_factory=every_rule)

    @model_validator(mode="before")
    @classmethod
    def _a_file(cls, data: Any) -> Any:
        if isinstance(data, dict) and not any(data.get(key) for key in ("source", "node_file_content", "source_code")):
            raise ValueError("Missing required field: source (the file whose stubs to fill; alias node_file_content)")
        return data

