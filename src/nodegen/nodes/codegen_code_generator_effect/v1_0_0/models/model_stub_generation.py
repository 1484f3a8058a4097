"""Model of the outcome for one stub."""

from __future__ import annotations

from pydantic import BaseModel, Field

from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import ModelValidationFinding
from nodegen.pysource import ReadAnswer

from .enum_stop_reason import EnumStopReason
from .model_candidate_selection import ModelCandidateSelection
from .model_generation_event import ModelGenerationEvent


class ModelStubGeneration(BaseModel):
    """Code that passed the validator for one stub, or why there is none (with the last attempt's findings)."""

    qualified_name: str
    line_number: int = Field(ge=1, description="The stub's def line")
    success: bool
    stop_reason: EnumStopReason
    generated_code: str | None = Field(
        default=None,
        description="The body at indentation 0, or (a module-level stub with helper functions) the helpers and the "
        "stub's def: ready for the injector with allow_helpers",
    )
    required_imports: list[str] = Field(default_factory=list, description="Imports the body needs, as statements")
    answer: ReadAnswer = Field(
        default=None,
        description="``generated_code`` as read when it was validated, for the injector to take as it is "
        "(in-process; a worker's result carries the text alone)",
    )
    attempts: int = Field(ge=0)
    findings: list[ModelValidationFinding] = Field(
        default_factory=list, description="Errors of the last attempt (empty on success)"
    )
    warnings: list[ModelValidationFinding] = Field(default_factory=list, description="Warnings of the kept code")
    message: str = Field(description="One line: what happened")
    prompt_tokens: int = Field(default=0, ge=0)
    completion_tokens: int = Field(default=0, ge=0)
    cost_usd: float | None = Field(default=None, description="None when a call's price is unknown")
    duration_ms: float = Field(default=0.0, ge=0.0)
    context_trimmed: list[str] = Field(default_factory=list, description="Context sections left out for the budget")
    events: list[ModelGenerationEvent] = Field(default_factory=list, description="One per attempt")
    selection: ModelCandidateSelection | None = Field(
        default=None, description="How the code was chosen among several passing candidates (None: the first passed)"
    )
