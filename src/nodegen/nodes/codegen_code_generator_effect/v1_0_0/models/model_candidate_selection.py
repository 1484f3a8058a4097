"""Model of how one stub's code was chosen among its passing candidates."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ModelCandidateSelection(BaseModel):
    """The candidates drawn once one passed, how they agreed on the probes, and why the kept one won."""

    candidates_drawn: int = Field(ge=1, description="Draws from the first passing candidate on, that one included")
    candidates_passed: int = Field(ge=1, description="Of those, the candidates that passed every check")
    group_sizes: list[int] = Field(description="Passing candidates per distinct set of probe outputs, largest first")
    probes: int = Field(ge=0, description="Probe calls every passing candidate ran (nodegen.pysource.probes)")
    chosen_attempt: int = Field(ge=1, description="The attempt whose code was kept")
    reason: str = Field(description="Why that candidate won, in one line")
