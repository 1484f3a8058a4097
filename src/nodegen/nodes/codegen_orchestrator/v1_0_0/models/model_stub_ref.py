"""Model of a reference to one stub of a run: the key workflow events and the run's state use."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ModelStubRef(BaseModel):
    """One stub of one file: its file, qualified name and ``def`` line (hashable: a key of the run's state)."""

    model_config = ConfigDict(frozen=True)

    file_path: str
    qualified_name: str
    line_number: int = Field(ge=1)
