"""Model of one file to store."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class ModelArtifactStorageRequest(BaseModel):
    """A file to write under the output directory (the original store node's request shape)."""

    model_config = ConfigDict(extra="forbid")

    file_path: str = Field(min_length=1, description="Relative to the output directory (or absolute inside it)")
    content: str
    artifact_type: str = "node_file"
    create_directories: bool = True
    overwrite: bool = True
    file_permissions: str = "0644"
    encoding: str | None = Field(
        default=None,
        description="Encoding of the written bytes; default: the one a Python file declares (its coding cookie), "
        "else UTF-8",
    )
    store_metrics: bool = Field(default=False, description="Also record the artifact in the database")
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("file_permissions")
    @classmethod
    def _octal(cls, value: str) -> str:
        text = value.strip()
        if not text or len(text) > 4 or any(c not in "01234567" for c in text):
            raise ValueError(f"file_permissions must be octal like '0644', got {value!r}")
        return text
