"""Model of what one answer of the model gave, read and prepared for validation."""

from __future__ import annotations

from pydantic import BaseModel, Field

from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import ModelValidationFinding
from nodegen.pysource import ReadAnswer

from .enum_attempt_outcome import EnumAttemptOutcome


class ModelCodeCandidate(BaseModel):
    """The code an answer holds, ready to be validated in place (``code``), or why it could not be read
    (``outcome`` and ``findings``: no code, too large, a signature that differs, a shape the injector refuses)."""

    outcome: EnumAttemptOutcome = Field(description="``valid`` until validation says otherwise; else why it failed")
    code: str | None = Field(default=None, description="The prepared body (with its helpers), None when unreadable")
    required_imports: list[str] = Field(default_factory=list, description="Imports the code needs")
    answer: ReadAnswer = Field(
        default=None,
        description="``code`` as read, with the answer's own def: what the validator and the injector take as it is",
    )
    findings: list[ModelValidationFinding] = Field(default_factory=list, description="Why the answer was not read")

    @property
    def readable(self) -> bool:
        """Whether the code goes on to validation."""
        return self.code is not None
