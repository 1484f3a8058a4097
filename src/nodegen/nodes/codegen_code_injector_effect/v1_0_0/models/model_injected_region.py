"""Model of where new code stands in the text the injector would write."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class EnumRegionKind(StrEnum):
    """What a region of new code is."""

    BODY = "body"  # the answer's statements in the stub (the stub's kept docstring is not part of it)
    HELPER = "helper"  # a helper function the answer defines beside the stub
    IMPORT = "import"  # an import line added or extended for the answer


class ModelInjectedRegion(BaseModel):
    """Lines (1-based, inclusive, of the new text) that hold new code, and the requests it came from."""

    model_config = ConfigDict(extra="forbid")

    kind: EnumRegionKind
    first_line: int = Field(ge=1)
    last_line: int = Field(ge=1)
    requests: list[int] = Field(description="Positions of the requests whose code this is")
    qualified_name: str | None = Field(default=None, description="The stub a body or helper region belongs to")
