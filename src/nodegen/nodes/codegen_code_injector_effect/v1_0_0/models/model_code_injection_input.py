"""Model of the injector's input (``contract.input_state``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .model_code_injection_request import ModelCodeInjectionRequest


class ModelCodeInjectionInput(BaseModel):
    """A source text, the stubs to fill in it, and whether to write the result back to its file."""

    model_config = ConfigDict(extra="forbid")

    source_code: str = Field(description="The file's text as it was read (compared with the file before writing)")
    injection_requests: list[ModelCodeInjectionRequest] = Field(description="The stubs to fill (at least one)")
    file_path: str | None = Field(default=None, description="Write the result here, atomically, unless dry_run")
    dry_run: bool = Field(default=False, description="Compute the result and its diff; write nothing")
    through_symlink: bool = Field(
        default=True,
        description="file_path may be a symbolic link, written through to its target; False: it was not one when "
        "it was read, and is refused if it is one now (swapped since)",
    )
    backup: bool | None = Field(default=None, description="Keep '<file>.orig'; default: the injector_backup setting")
    preserve_comments: bool = Field(
        default=True, description="Accepted for the original API; comments outside replaced bodies always stay"
    )

    @model_validator(mode="before")
    @classmethod
    def _something_to_do(cls, data: Any) -> Any:
        if isinstance(data, dict):
            if not data.get("source_code"):
                raise ValueError("Missing required field: source_code (the file's text) is missing or empty")
            if not data.get("injection_requests"):
                raise ValueError("Missing required field: injection_requests (at least one stub to fill)")
        return data
