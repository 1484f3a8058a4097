"""What one attempt at a stub produced: its outcome, its findings, and the code when it passed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any
from uuid import UUID

from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import ModelValidationFinding
from nodegen.pysource import Answer

from .models import EnumAttemptOutcome, ModelGenerationEvent
from .prompting import render_findings


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one attempt produced."""

    outcome: EnumAttemptOutcome
    findings: list[ModelValidationFinding] = field(default_factory=list)
    warnings: list[ModelValidationFinding] = field(default_factory=list)
    body: str | None = None
    imports: list[str] = field(default_factory=list)
    answer: Answer | None = None  # ``body`` as read (``ModelCodeCandidate.answer``)

    @property
    def feedback(self) -> str:
        return render_findings([*self.findings, *self.warnings])


@dataclass(frozen=True, slots=True)
class AttemptStart:
    """What is known of an attempt once its request is made: the fields its generation event shares, whatever
    comes back."""

    correlation_id: UUID | None
    file_path: str | None
    qualified_name: str
    node_type: str | None
    attempt: int
    prompt_hash: str
    prompt_text: str | None

    def event(self, **outcome: Any) -> ModelGenerationEvent:
        """The attempt's generation event, with what came back (``outcome``: provider, tokens, outcome, ...)."""
        return ModelGenerationEvent(**asdict(self), **outcome)


__all__ = ["Attempt", "AttemptStart"]
