"""Model of the extractor's input (``contract.input_state``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from nodegen.infra.source_text import source_text


class ModelStubExtractionRequest(BaseModel):
    """What to scan and which markers to look for."""

    model_config = ConfigDict(extra="forbid")

    node_file_content: str = Field(description="Python source to scan (bytes are decoded as Python would)")
    extraction_patterns: list[str] | None = Field(
        default=None, description="Markers (one string is one marker); default: the 'stub_extraction_patterns' setting"
    )
    file_path: str | None = Field(default=None, description="Where the source came from, for reporting")
    include_not_implemented: bool | None = Field(
        default=None,
        description="Also treat unmarked 'raise NotImplementedError' bodies as stubs; default: the setting",
    )

    @model_validator(mode="before")
    @classmethod
    def _content_given(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("node_file_content") in (None, "", b""):
            raise ValueError(
                "Missing required field: node_file_content (the Python source to scan) is missing or empty"
            )
        return data

    @field_validator("node_file_content", mode="before")
    @classmethod
    def _text(cls, content: Any) -> str:
        return source_text(content, origin="node_file_content")

    @field_validator("extraction_patterns", mode="before")
    @classmethod
    def _markers(cls, patterns: Any) -> Any:
        if isinstance(patterns, str):
            return [patterns]
        if patterns is not None and len(patterns) == 0:
            raise ValueError(
                "extraction_patterns is empty: give at least one marker, or leave it out for the defaults"
            )
        return patterns
