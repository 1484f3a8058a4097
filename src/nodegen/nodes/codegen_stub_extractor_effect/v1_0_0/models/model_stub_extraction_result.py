"""Model of the extractor's result for one file."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .model_method_stub import ModelMethodStub


class ModelStubExtractionResult(BaseModel):
    """The stubs of one source file, in source order, with what was scanned and how long it took."""

    success: bool = True
    stubs: list[ModelMethodStub] = Field(default_factory=list)
    total_stubs_found: int = Field(ge=0)
    extraction_time_ms: float = Field(ge=0.0)
    file_path: str | None = None
    file_lines: int = Field(ge=0, description="Lines as an editor numbers them (a final newline opens one more)")
    extraction_patterns_used: list[str] = Field(default_factory=list)
    module_docstring: str | None = None
