"""Model of the extractor's input (``contract.input_state``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ModelStubExtractionRequest(BaseModel):
    """What to scan and which markers to look for."""

    model_config = ConfigDict(extra="forbid")

    node_file_content: str = Field(description="Python source to scan")
    extraction_patterns: list[str] | None = Field(
        default=None, description="Markers; default: the 'stub_extraction_patterns' setting"
    )
    file_path: str | None = Field(default=None, description="Where the source came from, for reporting")
    include_not_implemented: bool | None = Field(
        default=None,
        description="Also treat unmarked 'raise NotImplementedError' bodies as stubs; default: the setting",
    )
