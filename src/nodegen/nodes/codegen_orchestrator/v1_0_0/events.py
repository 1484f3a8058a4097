"""The workflow's events (typed: steps are routed by them) and the lifecycle events published on the bus."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field
from workflows.events import Event

from nodegen.nodes.codegen_code_generator_effect.v1_0_0 import ModelAttemptDraft, ModelAttemptVerdict, StubConversation
from nodegen.nodes.codegen_code_generator_effect.v1_0_0.models import ModelStubGeneration

from .models import ModelFileOutcome, ModelStubOutcome, ModelStubRef


class StubsExtractedEvent(Event):
    """A file was read and its stubs found (streamed as progress)."""

    file_path: str
    stubs: int


class GenerateCodeEvent(Event):
    """The next attempt at one stub: the first (its conversation as opened, kept in the run's state), or the one
    after ``verdict`` on the previous (the conversation as that attempt left it)."""

    stub: ModelStubRef
    conversation: StubConversation | None = None
    verdict: ModelAttemptVerdict | None = None


class CodeGeneratedEvent(Event):
    """The model answered: its code as read, to validate in place (or why it could not be read), and the
    conversation as the attempt left it."""

    stub: ModelStubRef
    conversation: StubConversation
    draft: ModelAttemptDraft


class StubFinishedEvent(Event):
    """A stub's attempts are over: valid code, no attempt left, or no answer (an LLM error, the budget spent)."""

    stub: ModelStubRef
    generation: ModelStubGeneration
    conversation: StubConversation


class CodeValidatedEvent(Event):
    """A stub is finished: valid code, or its last findings (streamed as progress; ``generation`` is the whole
    outcome, its attempts' events included)."""

    stub: ModelStubRef
    generation: ModelStubGeneration

    @property
    def success(self) -> bool:
        return self.generation.success

    @property
    def attempts(self) -> int:
        return self.generation.attempts

    @property
    def message(self) -> str:
        return self.generation.message

    @property
    def file_path(self) -> str:
        return self.stub.file_path

    @property
    def qualified_name(self) -> str:
        return self.stub.qualified_name


class InjectCodeEvent(Event):
    """Every stub of a file is finished: write what passed."""

    file_path: str


class CodeInjectedEvent(Event):
    """A file is done (streamed as progress): its outcome and its stubs' final status (``filled`` only when
    written)."""

    outcome: ModelFileOutcome
    stubs: list[ModelStubOutcome] = Field(default_factory=list)


class AggregateMetricsEvent(Event):
    """Every file is done."""


class EnumLifecycleEvent(StrEnum):
    """Events published on ``onex.codegen.<event>.v1``."""

    GENERATION_STARTED = "generation_started"
    STAGE_COMPLETED = "stage_completed"
    GENERATION_COMPLETED = "generation_completed"
    GENERATION_FAILED = "generation_failed"
    METRICS_RECORDED = "metrics_recorded"


__all__ = [
    "AggregateMetricsEvent",
    "CodeGeneratedEvent",
    "CodeInjectedEvent",
    "CodeValidatedEvent",
    "EnumLifecycleEvent",
    "GenerateCodeEvent",
    "InjectCodeEvent",
    "StubFinishedEvent",
    "StubsExtractedEvent",
]
