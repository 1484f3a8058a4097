"""One stub's conversation with the model: its prompt, the attempts so far, their events, and why it stopped."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from uuid import UUID

from nodegen.llm import ModelChatMessage, ModelCompletion, ProviderCapabilities
from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import EnumValidationRule
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.models import ModelMethodStub

from .attempt import Attempt, AttemptStart
from .models import (
    EnumAttemptOutcome,
    EnumStopReason,
    ModelCandidateSelection,
    ModelGenerationEvent,
    ModelStubGeneration,
)
from .prompting import FileContext
from .selection import Selection


@dataclass(frozen=True, slots=True, repr=False)
class StubConversation:
    """One stub's attempts so far: what to send next, what came back, the events, and why it stopped. Immutable:
    the generator's port (``NodeCodegenCodeGeneratorEffect.run``) takes one and gives the next."""

    stub: ModelMethodStub
    context: FileContext
    rules: tuple[EnumValidationRule, ...]
    correlation_id: UUID | None
    attempts_allowed: int
    provider: ProviderCapabilities  # the answering provider's: its prompt style, retry style and default attempts
    system: str
    first: ModelChatMessage
    trimmed: tuple[str, ...]
    answer_start: str | None = None  # the answer's start nodegen writes (``options.answer_start_for``)
    answer_ends: tuple[str, ...] = ()  # where such an answer ends
    messages: tuple[ModelChatMessage, ...] = ()  # what the next attempt sends (empty: the first message alone)
    attempt: int = 0
    events: tuple[ModelGenerationEvent, ...] = ()
    last: Attempt | None = None
    stop: EnumStopReason = EnumStopReason.ATTEMPTS_EXHAUSTED
    failure_message: str = ""
    pending: AttemptStart | None = None  # the attempt under way
    known: tuple[str, ...] = ()  # code already in hand, tried (and checked) before the model
    known_turn: bool = False  # the attempt under way tries known code (kept at once when it passes)
    selection: Selection | None = None  # several candidates chosen by execution agreement (``selection``)
    chosen: ModelCandidateSelection | None = None
    latency_ms: float = 0.0
    # answers decoded together with an earlier attempt's, for the next attempts (by their request's key); and those
    # drawn so but never used (the stub ended first): paid for, so counted in the stub's tokens
    drawn_ahead: tuple[tuple[str, ModelCompletion], ...] = ()
    unused: tuple[ModelCompletion, ...] = ()
    started: float = field(default_factory=time.perf_counter)

    def __repr__(self) -> str:
        # short: the workflow runtime summarizes every event it routes, and this one holds the parsed file
        return f"StubConversation({self.stub.qualified_name!r}, attempt={self.attempt}, stop={self.stop.value!r})"

    @property
    def next_messages(self) -> list[ModelChatMessage]:
        """What the next attempt sends."""
        return list(self.messages) or [self.first]

    @property
    def fresh(self) -> bool:
        """The next attempt sends the first prompt again, alone."""
        return self.next_messages == [self.first]

    @property
    def unique_name(self) -> bool:
        """No other function of the file has the stub's qualified name (its name alone finds it in another text)."""
        return self.context.functions_named(self.stub.qualified_name) == 1

    def chosen_one(self) -> StubConversation:
        """The conversation with its selection's winner kept, when candidates passed: the stub is done, with that
        candidate's code."""
        if self.selection is None or not self.selection.started:
            return self
        passed, chosen = self.selection.choice()
        return replace(self, chosen=chosen, last=passed.code, stop=EnumStopReason.VALID)

    def outcome(self) -> ModelStubGeneration:
        """The stub's result: code that passed, or the last findings and why it stopped."""
        stub, stop, last, events = self.stub, self.stop, self.last, self.events
        unused = [*self.unused, *(completion for _, completion in self.drawn_ahead)]
        attempts = sum(1 for event in events if event.outcome is not EnumAttemptOutcome.BUDGET_EXHAUSTED)
        paid = [event for event in events if not event.cache_hit]
        unpriced = any(event.cost_usd is None and event.prompt_tokens + event.completion_tokens for event in paid)
        cost = None if unpriced else sum(event.cost_usd or 0.0 for event in events)
        success = stop is EnumStopReason.VALID and last is not None
        plural = "s" if attempts != 1 else ""
        if success:
            message = f"generated in {attempts} attempt{plural}"
            unrun = next((w for w in last.warnings if w.code == "EXA003"), None) if last is not None else None
            if unrun is not None:  # written unproven: the run says so, not only the log
                message += f"; {unrun.message}"
            if self.chosen is not None and self.chosen.candidates_passed > 1:
                message += f"; chosen by execution: {self.chosen.reason}"
        elif stop is EnumStopReason.ATTEMPTS_EXHAUSTED and last is not None and last.findings:
            message = f"no valid code after {attempts} attempt{plural}: {last.findings[0].render()}"
        else:
            message = self.failure_message or "no answer"
        return ModelStubGeneration(
            qualified_name=stub.qualified_name,
            line_number=stub.line_number,
            success=success,
            stop_reason=stop,
            generated_code=last.body if success and last is not None else None,
            required_imports=last.imports if success and last is not None else [],
            answer=last.answer if success and last is not None else None,
            attempts=attempts,
            findings=[] if success or last is None else last.findings,
            warnings=last.warnings if last is not None else [],
            message=message,
            prompt_tokens=sum(event.prompt_tokens for event in events) + sum(c.input_tokens for c in unused),
            completion_tokens=sum(event.completion_tokens for event in events) + sum(c.output_tokens for c in unused),
            cost_usd=cost,
            duration_ms=(time.perf_counter() - self.started) * 1000,
            context_trimmed=self.trimmed,
            events=events,
            selection=self.chosen,
        )


__all__ = ["StubConversation"]
