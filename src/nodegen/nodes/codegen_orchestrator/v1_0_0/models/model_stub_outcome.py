"""Model of one stub's outcome in a run."""

from __future__ import annotations

from pydantic import BaseModel, Field

from nodegen.nodes.codegen_code_generator_effect.v1_0_0.models import ModelCandidateSelection
from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import ModelValidationFinding

from .enum_stub_status import EnumStubStatus


class ModelStubOutcome(BaseModel):
    """A stub: filled, failed (with its findings) or skipped (with the reason)."""

    file_path: str
    qualified_name: str
    line_number: int = Field(ge=1)
    status: EnumStubStatus
    message: str
    attempts: int = Field(default=0, ge=0)
    findings: list[ModelValidationFinding] = Field(default_factory=list)
    warnings: list[ModelValidationFinding] = Field(
        default_factory=list, description="What the checks of the written code warned of (examples not run, ...)"
    )
    prompt_tokens: int = Field(default=0, ge=0)
    completion_tokens: int = Field(default=0, ge=0)
    cost_usd: float | None = None
    duration_ms: float = Field(default=0.0, ge=0.0)
    generated_code: str | None = Field(
        default=None, description="The validated code, also when it could not be written (to apply by hand)"
    )
    required_imports: list[str] = Field(default_factory=list, description="Imports that code needs")
    selection: ModelCandidateSelection | None = Field(
        default=None, description="How the code was chosen among several passing candidates (None: the first passed)"
    )
