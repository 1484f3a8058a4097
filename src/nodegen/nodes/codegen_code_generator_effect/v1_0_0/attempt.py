"""What one attempt at a stub produced: its outcome, its findings, and the code when it passed."""

from __future__ import annotations

from dataclasses import dataclass, field

from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import ModelValidationFinding

from .models import EnumAttemptOutcome
from .prompting import render_findings


@dataclass(slots=True)
class Attempt:
    """What one attempt produced."""

    outcome: EnumAttemptOutcome
    findings: list[ModelValidationFinding] = field(default_factory=list)
    warnings: list[ModelValidationFinding] = field(default_factory=list)
    body: str | None = None
    imports: list[str] = field(default_factory=list)

    @property
    def feedback(self) -> str:
        return render_findings([*self.findings, *self.warnings])


__all__ = ["Attempt"]
