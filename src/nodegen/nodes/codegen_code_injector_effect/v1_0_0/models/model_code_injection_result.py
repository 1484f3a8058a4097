"""Model of the injector's result."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .model_injection_error import ModelInjectionError
from .model_write_refusal import ModelWriteRefusal


class ModelCodeInjectionResult(BaseModel):
    """The new source, what changed in it, and what was refused."""

    success: bool = Field(description="Every request was applied (and written, when writing was asked for)")
    modified_source: str
    injections_performed: int = Field(ge=0)
    methods_modified: list[str] = Field(default_factory=list, description="Qualified names of the filled stubs")
    applied_requests: list[int] = Field(
        default_factory=list, description="Positions in injection_requests of the requests applied in modified_source"
    )
    injection_errors: list[ModelInjectionError] = Field(default_factory=list, description="The refused requests")
    file_refusal: ModelWriteRefusal | None = Field(
        default=None, description="Why the file was not written, when writing it was refused (the file is as it was)"
    )
    imports_added: list[str] = Field(default_factory=list)
    helpers_added: list[str] = Field(default_factory=list)
    file_lines_before: int = Field(ge=0)
    file_lines_after: int = Field(ge=0)
    injection_time_ms: float = Field(ge=0.0)
    diff: str = Field(default="", description="Unified diff of the change")
    file_path: str | None = None
    written: bool = Field(default=False, description="The file on disk now holds modified_source")
    backup_path: str | None = None
