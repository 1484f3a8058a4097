"""One stub's attempts: prompt, call (bounded concurrency, retries, budget), the answer read and prepared for
validation in place; the verdict on it recorded, the findings sent back verbatim while attempts are left. Each step
takes a conversation and gives the next (``StubConversation`` is immutable); the fill workflow drives them through the
generator's port. Code that never passes is reported with its last findings and never returned as a result."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Sequence
from dataclasses import replace
from uuid import UUID

from nodegen.llm import (
    EnumChatRole,
    EnumLLMFailure,
    LLMClient,
    LLMError,
    ModelChatMessage,
    ModelCompletion,
    ModelCompletionRequest,
    RunBudget,
    complete_with_retries,
)
from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import (
    EnumValidationRule,
    ModelCodeValidationRequest,
    ModelCodeValidationResult,
    ModelValidationTarget,
)
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.models import ModelMethodStub
from nodegen.pysource import FUNCTION_ENDS

from .attempt import Attempt, AttemptStart
from .conversation import StubConversation
from .models import (
    EnumAttemptOutcome,
    EnumStopReason,
    ModelCodeCandidate,
)
from .options import GenerationOptions
from .port import ModelAttemptDraft, ModelAttemptVerdict, ModelCodeGenerationRequest, ModelCodeGenerationResult
from .prompting import FileContext, build_prompt, retry_messages, target_source
from .reading import read_candidate
from .selection import selection_for


def answer_start(stub: ModelMethodStub, context: FileContext, mode: str) -> str | None:
    """For a method when ``mode`` is ``methods``: the answer's start, a python block holding the method's
    decorators, signature and docstring as the prompt shows them (it ends at ``FUNCTION_ENDS``: the block's end, or
    a line that leaves the method)."""
    if mode != "methods" or not stub.enclosing_classes:
        return None
    return f"```python\n{target_source(stub, context.module)}\n"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class StubGenerator:
    """Makes attempts at stubs with one client, one budget and one limit on calls in flight."""

    def __init__(
        self, client: LLMClient, options: GenerationOptions, budget: RunBudget, limiter: asyncio.Semaphore
    ) -> None:
        self.client = client
        self.options = options
        self.budget = budget
        self.limiter = limiter

    @staticmethod
    def validation_request(
        conversation: StubConversation, candidate: ModelCodeCandidate, *, working: str | None = None
    ) -> ModelCodeValidationRequest:
        """The validator's input for a readable candidate: the code in place in the conversation's stub, in the
        file as read or, given ``working``, in that text (the file with its methods that passed so far in place;
        used when the stub's name is its own, since its line has moved)."""
        context, stub = conversation.context, conversation.stub
        source: str = context.text
        line: int | None = stub.line_number
        if working is not None and conversation.unique_name:
            source, line = working, None
        return ModelCodeValidationRequest(
            generated_code=candidate.code,
            target=ModelValidationTarget(
                source=source,
                qualified_name=stub.qualified_name,
                expected_line=line,
                required_imports=candidate.required_imports,
                answer=candidate.answer,
                probes=conversation.selection.probes if conversation.selection is not None else [],
            ),
            validation_rules=list(conversation.rules),
            file_path=context.file_path,
        )

    def start(
        self,
        stub: ModelMethodStub,
        context: FileContext,
        *,
        rules: Sequence[EnumValidationRule] = (EnumValidationRule.ALL,),
        correlation_id: UUID | None = None,
        max_attempts: int | None = None,
        stub_names: set[str] | None = None,
        feedback: str | None = None,
        known: Sequence[str] = (),
    ) -> StubConversation:
        """The conversation for ``stub``: its prompt built, no attempt made yet; ``known`` code (already written,
        such as the spec stage's implementations that give every example) is tried first, one attempt each."""
        provider = self.client.capabilities
        start = answer_start(stub, context, self.options.answer_start_for(provider))
        prompt = build_prompt(
            stub,
            context,
            token_budget=self.options.prompt_token_budget,
            stub_names=stub_names,
            feedback=feedback,
            style=self.options.prompt_style_for(provider),
        )
        return StubConversation(
            stub=stub,
            context=context,
            rules=tuple(rules),
            correlation_id=correlation_id,
            attempts_allowed=max_attempts or self.options.attempts_for(provider),
            provider=provider,
            system=prompt.system,
            first=ModelChatMessage(role=EnumChatRole.USER, content=prompt.user),
            trimmed=tuple(prompt.trimmed),
            known=tuple(known),
            selection=selection_for(stub, context, self.options.candidates),
            answer_start=start,
            answer_ends=tuple(FUNCTION_ENDS) if start is not None else (),
        )

    def _request(self, conversation: StubConversation, attempt: int) -> ModelCompletionRequest:
        """Attempt ``attempt``'s request: the conversation's messages, sampled as that attempt is."""
        return ModelCompletionRequest(
            system=conversation.system,
            messages=conversation.next_messages,
            answer_start=conversation.answer_start,
            stop=list(conversation.answer_ends),
            max_tokens=self.options.answer_tokens(
                self.client.capabilities, target_source(conversation.stub, conversation.context.module)
            ),
            **self.options.sampling(attempt),
        )

    def _ahead(self, conversation: StubConversation) -> int:
        """How many of the next attempts are drawn with this one, by a provider that decodes answers to one prompt
        together: those that will ask the same prompt again (the candidates after a pass; a resampling provider's
        retries), up to what it decodes at once. None at a first attempt when no candidates are chosen among: its
        greedy answer often passes alone."""
        together = self.client.capabilities.samples_together
        if together <= 1 or conversation.known or not conversation.fresh:
            return 0
        left = conversation.attempts_allowed - conversation.attempt
        selection = conversation.selection
        if selection is not None and selection.started:
            left = min(left, selection.candidates - selection.drawn - 1)
        elif self.options.retry_style_for(conversation.provider) != "resample" or (
            selection is None and conversation.attempt == 1
        ):
            return 0
        return max(0, min(together - 1, left))

    async def _draw(
        self, conversation: StubConversation, request: ModelCompletionRequest
    ) -> tuple[StubConversation, ModelCompletion]:
        """The answer to ``request``: drawn with an earlier attempt's when one was, else asked now (with the next
        attempts' answers drawn together, ``_ahead``); and the conversation with what was drawn ahead kept."""
        key = request.key(self.client.identity)
        if conversation.drawn_ahead:
            (drawn_key, completion), *rest = conversation.drawn_ahead
            if drawn_key == key:
                return replace(conversation, drawn_ahead=tuple(rest)), completion
            # the prompt moved: what was drawn ahead is paid for and never used
            unused = (*conversation.unused, completion, *(c for _, c in rest))
            conversation = replace(conversation, drawn_ahead=(), unused=unused)
        later = [self._request(conversation, conversation.attempt + n) for n in range(1, self._ahead(conversation) + 1)]
        if not later:
            return conversation, await complete_with_retries(self.client, request, self.options.retry, self.budget)
        answers = await asyncio.gather(
            *(complete_with_retries(self.client, r, self.options.retry, self.budget) for r in [request, *later]),
            return_exceptions=True,
        )
        ahead: list[tuple[str, ModelCompletion]] = []
        for ask, answer in zip(later, answers[1:], strict=True):
            if isinstance(answer, BaseException):
                break  # that attempt asks again when it comes
            ahead.append((ask.key(self.client.identity), answer))
        if isinstance(answers[0], BaseException):
            raise answers[0]
        return replace(conversation, drawn_ahead=tuple(ahead)), answers[0]

    async def call(self, conversation: StubConversation) -> tuple[StubConversation, ModelCompletion | None]:
        """One call for the conversation's next attempt, and the conversation with it under way; no answer (None)
        finishes the conversation (LLM error or budget spent)."""
        attempt = conversation.attempt + 1
        request = self._request(conversation, attempt)
        pending = AttemptStart(
            correlation_id=conversation.correlation_id,
            file_path=conversation.context.file_path,
            qualified_name=conversation.stub.qualified_name,
            node_type=conversation.context.node_type,
            attempt=attempt,
            prompt_hash=_sha256(request.prompt_text),
            prompt_text=request.prompt_text if self.options.store_texts else None,
        )
        conversation = replace(conversation, attempt=attempt, pending=pending, known_turn=bool(conversation.known))
        if conversation.known:  # written and paid for already: no call
            code, *rest = conversation.known
            completion = ModelCompletion(text=f"```python\n{code}```", identity=self.client.identity, cached=True)
            return replace(conversation, latency_ms=0.0, known=tuple(rest)), completion
        call_started = time.perf_counter()
        try:
            async with self.limiter:
                call_started = time.perf_counter()  # the call's own time, not the wait for a free slot
                conversation, completion = await self._draw(conversation, request)
        except LLMError as error:
            exhausted = error.kind is EnumLLMFailure.BUDGET_EXHAUSTED
            event = pending.event(
                provider=self.client.identity.provider,
                model=self.client.identity.model,
                latency_ms=(time.perf_counter() - call_started) * 1000,
                retries=error.retries,
                outcome=EnumAttemptOutcome.BUDGET_EXHAUSTED if exhausted else EnumAttemptOutcome.LLM_ERROR,
                message=error.message,
            )
            conversation = replace(
                conversation,
                events=(*conversation.events, event),
                stop=EnumStopReason.BUDGET_EXHAUSTED if exhausted else EnumStopReason.LLM_ERROR,
                failure_message=error.message,
            )
            return conversation.chosen_one(), None  # candidates that passed before the error are not lost
        # answers decoded together: the first carries the batch's time, the others came with it
        together = self.client.capabilities.samples_together > 1
        latency = completion.latency_ms if together else (time.perf_counter() - call_started) * 1000
        return replace(conversation, latency_ms=latency), completion

    async def attempt(self, request: ModelCodeGenerationRequest) -> ModelCodeGenerationResult:
        """One attempt at a stub: the verdict on the previous one recorded (the stub may be finished by it), then
        one call and its answer read, to be validated in place (the draft); or the stub's outcome."""
        conversation = request.conversation
        if request.verdict is not None:
            conversation, finished = self.judge(conversation, request.verdict)
            if finished:
                return ModelCodeGenerationResult(conversation=conversation, generation=conversation.outcome())
        conversation, completion = await self.call(conversation)
        if completion is None:
            return ModelCodeGenerationResult(conversation=conversation, generation=conversation.outcome())
        candidate = read_candidate(
            completion.text, conversation.stub, conversation.context, self.options.max_answer_chars
        )
        validation = (
            self.validation_request(conversation, candidate, working=request.working_source)
            if candidate.readable
            else None
        )
        draft = ModelAttemptDraft(
            attempt=conversation.attempt, completion=completion, candidate=candidate, validation=validation
        )
        return ModelCodeGenerationResult(conversation=conversation, draft=draft)

    def judge(self, conversation: StubConversation, verdict: ModelAttemptVerdict) -> tuple[StubConversation, bool]:
        """The conversation after ``verdict`` on its attempt under way; True when it is finished."""
        if verdict.unchecked is not None:  # the validator could not check the code: it is not written
            return replace(
                conversation,
                stop=EnumStopReason.LLM_ERROR,
                failure_message=f"the code could not be validated: {verdict.unchecked}",
            ), True
        draft = verdict.draft
        return self.conclude(conversation, draft.completion, draft.candidate, verdict.validation)

    def conclude(
        self,
        conversation: StubConversation,
        completion: ModelCompletion,
        candidate: ModelCodeCandidate,
        result: ModelCodeValidationResult | None,
    ) -> tuple[StubConversation, bool]:
        """The conversation with an attempt recorded: the candidate and, when it was readable, its validation
        (``result``); True when it is finished (valid, or no attempt left), otherwise the findings and the previous
        answer are the next message."""
        if result is None:
            last = Attempt(candidate.outcome, findings=list(candidate.findings))
        else:
            outcome = EnumAttemptOutcome.VALID if result.is_valid else EnumAttemptOutcome.INVALID
            last = Attempt(
                outcome,
                list(result.errors),
                list(result.warnings),
                candidate.code,
                list(candidate.required_imports),
                candidate.answer,
            )
        if conversation.pending is None:
            raise ValueError("an answer concluded before its call was made")
        event = conversation.pending.event(
            provider=completion.identity.provider,
            model=completion.identity.model,
            prompt_tokens=completion.input_tokens,
            completion_tokens=completion.output_tokens,
            latency_ms=conversation.latency_ms,
            cost_usd=completion.cost_usd,
            cache_hit=completion.cached,
            retries=completion.retries,
            outcome=last.outcome,
            error_count=len(last.findings),
            warning_count=len(last.warnings),
            finding_codes=[finding.code for finding in last.findings],
            message=last.findings[0].render() if last.findings else None,
            answer_hash=_sha256(completion.text),
            answer_text=completion.text if self.options.store_texts else None,
        )
        conversation = replace(conversation, last=last, events=(*conversation.events, event))
        selection = conversation.selection
        valid = last.outcome is EnumAttemptOutcome.VALID
        if selection is not None and not conversation.known_turn and (valid or selection.started):
            outputs = result.probe_outputs if result else None
            selection = selection.draw(conversation.attempt, last if valid else None, outputs)
            conversation = replace(conversation, selection=selection)
            if selection.settled():
                return conversation.chosen_one(), True
            return replace(conversation, messages=()), False  # another fresh draw of the same prompt
        if valid:
            return replace(conversation, stop=EnumStopReason.VALID), True
        if conversation.attempt >= conversation.attempts_allowed:
            return replace(conversation, stop=EnumStopReason.ATTEMPTS_EXHAUSTED), True
        messages = retry_messages(
            conversation.first,
            conversation.stub,
            completion.text,
            last.feedback,
            conversation.attempt,
            style=self.options.retry_style_for(conversation.provider),
        )
        return replace(conversation, messages=tuple(messages)), False


__all__ = ["GenerationOptions", "StubConversation", "StubGenerator"]
