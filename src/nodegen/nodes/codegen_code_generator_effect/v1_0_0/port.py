"""The generator's port: one attempt at one stub. The request carries the stub's conversation (immutable) and, after
the first attempt, the verdict on the previous one; the result carries the conversation that follows, and either
the next answer to validate (a draft) or the stub's outcome. The repair loop is the fill workflow's: it validates each
draft in its own step and sends the verdict back here (``codegen_orchestrator``'s ``workflow.py``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from nodegen.llm import ModelCompletion
from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import (
    ModelCodeValidationRequest,
    ModelCodeValidationResult,
)

from .conversation import StubConversation
from .models import ModelCodeCandidate, ModelStubGeneration


class ModelAttemptDraft(BaseModel):
    """One attempt's answer, read: the code to validate in place (``validation``), or why it could not be read
    (``candidate``'s findings; ``validation`` is None then)."""

    model_config = ConfigDict(frozen=True)

    attempt: int = Field(ge=1)
    # the workflow runtime summarizes (repr) every event it routes: the answer and the file's text stay out of it
    completion: ModelCompletion = Field(repr=False)
    candidate: ModelCodeCandidate
    validation: ModelCodeValidationRequest | None = Field(
        default=None,
        repr=False,
        description="The validator's request for the code in place; None when it was not readable",
    )


class ModelAttemptVerdict(BaseModel):
    """What became of a draft: the validator's result, or why the validator could not check it (``unchecked``)."""

    model_config = ConfigDict(frozen=True)

    draft: ModelAttemptDraft
    validation: ModelCodeValidationResult | None = None
    unchecked: str | None = Field(default=None, description="The validator failed: the code is not written")

    @model_validator(mode="after")
    def _one_verdict(self) -> ModelAttemptVerdict:
        if self.draft.validation is not None and (self.validation is None) == (self.unchecked is None):
            raise ValueError("a readable draft's verdict is its validation result or why it could not be checked")
        return self


class ModelCodeGenerationRequest(BaseModel):
    """The next attempt at a stub (``conversation``, from ``open_file`` or the previous result), after ``verdict``
    on the one before; ``working_source`` is the file as it stands (its methods that passed so far in place), where
    a method whose name is its own is validated."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    conversation: StubConversation
    verdict: ModelAttemptVerdict | None = None
    working_source: str | None = None


class ModelCodeGenerationResult(BaseModel):
    """The conversation that follows, and either the next draft to validate or the stub's outcome."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    conversation: StubConversation
    draft: ModelAttemptDraft | None = None
    generation: ModelStubGeneration | None = Field(
        default=None, description="The stub is finished: code that passed, or its last findings and why it stopped"
    )

    @model_validator(mode="after")
    def _draft_or_outcome(self) -> ModelCodeGenerationResult:
        if (self.draft is None) == (self.generation is None):
            raise ValueError("an attempt gives a draft to validate or the stub's outcome, one of them")
        return self


__all__ = ["ModelAttemptDraft", "ModelAttemptVerdict", "ModelCodeGenerationRequest", "ModelCodeGenerationResult"]
