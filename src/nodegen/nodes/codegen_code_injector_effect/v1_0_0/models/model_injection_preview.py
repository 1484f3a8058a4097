"""Model of what an injection would do: the text it would write, where the new code stands, what it refused."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .model_injected_region import ModelInjectedRegion
from .model_injection_error import ModelInjectionError


class ModelInjectionPreview(BaseModel):
    """The text the injector would write for a set of requests (nothing is read or written to get it).

    ``source`` compiles (unless compiling was left to the caller) and is byte for byte what a write would hold;
    outside the new code every byte is the input's. ``regions`` say where each applied request's code stands in
    it; ``errors`` hold one refusal per request that was not applied.
    """

    source: str = Field(description="The new text (the given one when nothing applied)")
    modified: list[str] = Field(default_factory=list, description="Qualified names of the filled stubs")
    applied: list[int] = Field(default_factory=list, description="Positions of the applied requests")
    errors: list[ModelInjectionError] = Field(default_factory=list)
    imports_added: list[str] = Field(default_factory=list)
    helpers_added: list[str] = Field(default_factory=list)
    regions: list[ModelInjectedRegion] = Field(default_factory=list)
    diff_hunks: str | None = Field(
        default=None,
        description="The unified diff's hunks, made while previewing a large file from the statements it edited "
        "(None: the caller diffs the two texts)",
    )
    file_refused: bool = Field(
        default=False,
        description="The file itself cannot be edited (it does not parse, or does not compile as it is): every "
        "request was refused for it",
    )
