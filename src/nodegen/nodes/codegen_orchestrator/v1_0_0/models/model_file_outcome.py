"""Model of one file's outcome in a run."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ModelFileOutcome(BaseModel):
    """A file: its stubs, what was written (or the diff of a dry run), and the error that stopped it, if any."""

    file_path: str
    stubs_found: int = Field(default=0, ge=0)
    stubs_filled: int = Field(default=0, ge=0)
    stubs_failed: int = Field(default=0, ge=0)
    written_to: str | None = Field(default=None, description="Where the filled file was written (None: nowhere)")
    diff: str = Field(default="", description="Unified diff of the change (also in dry runs)")
    error: str | None = Field(default=None, description="Why the file could not be read, filled or written")
    bad_input: bool = Field(
        default=False, description="The file could not be taken at all (unreadable, too large, does not parse)"
    )
