"""Model of the store's result."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ModelStorageResult(BaseModel):
    """What was written and recorded, and every error (a failed file never undoes the files before it)."""

    success: bool
    artifacts_stored: int = Field(default=0, ge=0)
    storage_errors: list[str] = Field(default_factory=list)
    storage_time_ms: float = Field(default=0.0, ge=0.0)
    stored_files: list[str] = Field(default_factory=list)
    total_bytes_written: int = Field(default=0, ge=0)
    metrics_stored: bool = False
    attempts_stored: int = Field(default=0, ge=0)
    database_record_id: str | None = None
