"""NodeCodegenCodeGeneratorEffect - write the body of every stub of a file with an LLM, validated before it is
returned.

ONEX v2.0: suffix naming ``Node<Name><Type>``, subclass of ``NodeEffect`` (it calls LLM providers, reads the node
package around the file, and writes the answer cache), errors as ``ModelOnexError`` with a code.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from nodegen.llm import (
    LLMClient,
    ModelCompletion,
    RetryPolicy,
    RunBudget,
    client_concurrency,
    client_from_settings,
)
from nodegen.nodes.codegen_code_validator_effect.v1_0_0 import NodeCodegenCodeValidatorEffect
from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import (
    EnumValidationRule,
    ModelCodeValidationRequest,
    ModelCodeValidationResult,
)
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0 import NodeCodegenStubExtractorEffect
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.models import ModelMethodStub, ModelStubExtractionRequest
from nodegen.onex import (
    EnumCoreErrorCode,
    EnumLogLevel,
    ModelContainer,
    ModelContractEffect,
    ModelOnexError,
    NodeEffect,
    TypedPort,
    emit_log_event,
)
from nodegen.pysource.condense import LARGE_SOURCE_CHARS
from nodegen.services import NodegenServices

from .generation import GenerationOptions, StubConversation, StubGenerator
from .models import ModelCodeCandidate, ModelCodeGenerationRequest, ModelCodeGenerationResult, ModelStubGeneration
from .models.model_code_generator_options import ModelCodeGeneratorOptions
from .prompting import FileContext


class NodeCodegenCodeGeneratorEffect(
    NodeEffect[ModelCodeGenerationResult],
    TypedPort[ModelContractEffect, ModelCodeGenerationRequest, ModelCodeGenerationResult],
):
    """Generates code for stubs: prompt with context, LLM call, answer parsing, validation, repair loop.

    Input (``contract.input_state``): ``source`` (alias ``node_file_content``), optional ``file_path``, ``stubs``
    (as the extractor returns them; default: every stub of the file), ``only`` (qualified names), ``max_attempts``,
    ``validation_rules``. Services: ``llm_client`` (default: built from the ``llm*`` settings), ``llm_budget`` (a
    ``RunBudget`` shared by a whole run), ``code_validator``. One node instance bounds the calls in flight across
    every file it is given (``generation_concurrency``). Typed port: ``await run(ModelCodeGenerationRequest(...))``.
    """

    request_type = ModelCodeGenerationRequest

    def __init__(self, container: ModelContainer) -> None:
        super().__init__(container)
        services = NodegenServices.of(container)
        self._client: LLMClient | None = services.llm_client
        self._owns_client = self._client is None
        self.settings = ModelCodeGeneratorOptions.from_container(container)
        settings = self.settings
        self.budget: RunBudget = services.budget_or(max_tokens=settings.max_tokens, max_cost_usd=settings.max_cost_usd)
        self._validator = services.code_validator or NodeCodegenCodeValidatorEffect(container)
        self._extractor = NodeCodegenStubExtractorEffect(container)
        self.options = GenerationOptions(
            max_attempts=settings.max_attempts,
            candidates=settings.generation_candidates,
            prompt_token_budget=settings.prompt_token_budget,
            max_output_tokens=settings.llm_max_output_tokens,
            temperature=settings.llm_temperature,
            retry_temperature=settings.llm_retry_temperature,
            late_retry_temperature=settings.llm_late_retry_temperature,
            seed=settings.llm_seed,
            retry_style=settings.llm_retry_style,
            prompt_style=settings.llm_prompt_style,
            answer_start=settings.llm_answer_start,
            retry=RetryPolicy(timeout_s=settings.llm_timeout_s, max_retries=settings.llm_max_retries),
            store_texts=settings.store_prompt_texts,
            max_answer_chars=settings.max_answer_chars,
        )
        self.concurrency = settings.generation_concurrency
        self._stub_generator: StubGenerator | None = None
        self._generated = 0
        self._failed = 0
        self._attempts = 0
        self._tokens = 0
        self._cache_hits = 0
        self._cost = 0.0

    @property
    def client(self) -> LLMClient:
        """The provider (built from the ``llm*`` settings on first use, by ``llm.client_from_settings``)."""
        if self._client is None:
            self._client = client_from_settings(self.settings)
        return self._client

    async def aclose(self) -> None:
        """Release the provider when this node built it."""
        if self._client is not None and self._owns_client:
            await self._client.aclose()
            self._client = None
            self._stub_generator = None

    async def _stubs(self, request: ModelCodeGenerationRequest, correlation_id: UUID) -> list[ModelMethodStub]:
        if request.stubs is not None:
            stubs = request.stubs
        else:
            extraction = await self._extractor.run(
                ModelStubExtractionRequest(node_file_content=request.source, file_path=request.file_path),
                correlation_id=correlation_id,
            )
            stubs = extraction.stubs
        if request.only is not None:
            known = {stub.qualified_name for stub in stubs}
            unknown = [name for name in request.only if name not in known]
            if unknown:
                raise ModelOnexError(
                    error_code=EnumCoreErrorCode.VALIDATION_ERROR,
                    message=f"not stubs of the file: {', '.join(unknown)} "
                    f"(its stubs: {', '.join(sorted(known)) or 'none'})",
                )
            stubs = [stub for stub in stubs if stub.qualified_name in request.only]
        return stubs

    def _generator(self) -> StubGenerator:
        if self._stub_generator is None:
            # one limit for every file this node is given; an in-process model serves one call at a time
            limit = client_concurrency(self.client)
            limiter = asyncio.Semaphore(min(self.concurrency, limit) if limit else self.concurrency)
            self._stub_generator = StubGenerator(self.client, self._validator, self.options, self.budget, limiter)
        return self._stub_generator

    @staticmethod
    def _read(source: str, file_path: str | None, stubs: Sequence[ModelMethodStub]) -> FileContext:
        """The parsed file (a large one around ``stubs``) and its node package; ``VALIDATION_ERROR`` when the source
        does not parse."""
        try:
            return FileContext.read(source, file_path, stubs)
        except ModelOnexError as error:
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.VALIDATION_ERROR,
                message=f"{file_path or 'the source'} does not parse, so no stub of it can be filled: "
                f"{error.message}",
                cause=error,
            ) from error

    def open_file(
        self,
        source: str,
        file_path: str | None,
        stubs: list[ModelMethodStub],
        *,
        correlation_id: UUID | None = None,
        max_attempts: int | None = None,
        rules: Sequence[EnumValidationRule] = (EnumValidationRule.ALL,),
        feedback: str | None = None,
        known: Mapping[str, Sequence[str]] | None = None,
    ) -> list[StubConversation]:
        """One conversation per stub of a file, prompts built, no call made (for callers that drive the attempts
        themselves, such as the orchestrator's workflow); ``known`` code per stub (by qualified name) is tried
        before the model. ``VALIDATION_ERROR`` when the source does not parse."""
        return self._conversations(
            self._read(source, file_path, stubs),
            stubs,
            correlation_id=correlation_id,
            max_attempts=max_attempts,
            rules=rules,
            feedback=feedback,
            known=known,
        )

    def _conversations(
        self,
        context: FileContext,
        stubs: list[ModelMethodStub],
        *,
        correlation_id: UUID | None,
        max_attempts: int | None,
        rules: Sequence[EnumValidationRule],
        feedback: str | None = None,
        known: Mapping[str, Sequence[str]] | None = None,
    ) -> list[StubConversation]:
        generator = self._generator()
        names = {stub.qualified_name for stub in stubs}
        return [
            generator.start(
                stub,
                context,
                rules=rules,
                correlation_id=correlation_id,
                max_attempts=max_attempts,
                stub_names=names,
                feedback=feedback,
                known=(known or {}).get(stub.qualified_name, ()),
            )
            for stub in stubs
        ]

    async def call(self, conversation: StubConversation) -> ModelCompletion | None:
        """The model's answer for the conversation's next attempt (None: no answer; the conversation is over)."""
        return await self._generator().call(conversation)

    async def review(self, conversation: StubConversation, completion: ModelCompletion) -> bool:
        """Read and validate an answer; True when the conversation is over (valid, or no attempt left)."""
        return await self._generator().review(conversation, completion)

    def read(self, conversation: StubConversation, completion: ModelCompletion) -> ModelCodeCandidate:
        """The answer's code prepared for validation, or why it cannot be read (for callers that validate it
        themselves, such as the orchestrator's workflow; then ``conclude`` records the attempt)."""
        return self._generator().read(conversation, completion)

    @staticmethod
    def validation_request(
        conversation: StubConversation, candidate: ModelCodeCandidate, *, working: str | None = None
    ) -> ModelCodeValidationRequest:
        """The validator's request for a readable candidate (the code in place in the conversation's stub; in
        ``working``, the file with its methods that passed so far in place, when given)."""
        return StubGenerator.validation_request(conversation, candidate, working=working)

    def conclude(
        self,
        conversation: StubConversation,
        completion: ModelCompletion,
        candidate: ModelCodeCandidate,
        result: ModelCodeValidationResult | None,
    ) -> bool:
        """Record an attempt and its validation; True when the conversation is over (valid, or no attempt left),
        else the findings and the answer are the next message."""
        return self._generator().conclude(conversation, completion, candidate, result)

    def finish(self, conversation: StubConversation) -> ModelStubGeneration:
        """The stub's outcome (counted in this node's metrics)."""
        generation = conversation.outcome()
        self._count([generation])
        return generation

    async def _handle(self, request: ModelCodeGenerationRequest, correlation_id: UUID) -> ModelCodeGenerationResult:
        started = time.perf_counter()
        # read before extraction (its error is the clearer one), except a large file: it is read around its stubs
        large = len(request.source) > LARGE_SOURCE_CHARS
        context = None if large else self._read(request.source, request.file_path, ())
        stubs = await self._stubs(request, correlation_id)
        context = context or self._read(request.source, request.file_path, stubs)
        conversations = self._conversations(
            context,
            stubs,
            correlation_id=correlation_id,
            max_attempts=request.max_attempts,
            rules=request.validation_rules,
        )

        async def run(conversation: StubConversation) -> ModelStubGeneration:
            while True:
                completion = await self.call(conversation)
                if completion is None or await self.review(conversation, completion):
                    return self.finish(conversation)

        generations = list(await asyncio.gather(*(run(conversation) for conversation in conversations)))
        result = self._result(request, generations, started)
        emit_log_event(
            EnumLogLevel.INFO,
            "generation completed",
            {
                "file_path": request.file_path,
                "stubs": result.stubs_total,
                "generated": result.stubs_generated,
                "failed": result.stubs_failed,
                "tokens": result.prompt_tokens + result.completion_tokens,
                "duration_ms": round(result.duration_ms, 1),
            },
        )
        return result

    def _result(
        self, request: ModelCodeGenerationRequest, generations: list[ModelStubGeneration], started: float
    ) -> ModelCodeGenerationResult:
        events = [event for generation in generations for event in generation.events]
        generated = sum(1 for generation in generations if generation.success)
        costs = [generation.cost_usd for generation in generations]
        cost = None if any(value is None for value in costs) else sum(value or 0.0 for value in costs)
        return ModelCodeGenerationResult(
            success=generated == len(generations),
            file_path=request.file_path,
            llm=str(self.client.identity),
            generations=generations,
            events=events,
            stubs_total=len(generations),
            stubs_generated=generated,
            stubs_failed=len(generations) - generated,
            prompt_tokens=sum(generation.prompt_tokens for generation in generations),
            completion_tokens=sum(generation.completion_tokens for generation in generations),
            cost_usd=cost,
            budget_exhausted=self.budget.exhausted_reason(),
            duration_ms=(time.perf_counter() - started) * 1000,
        )

    def _count(self, generations: list[ModelStubGeneration]) -> None:
        events = [event for generation in generations for event in generation.events]
        generated = sum(1 for generation in generations if generation.success)
        self._generated += generated
        self._failed += len(generations) - generated
        self._attempts += sum(generation.attempts for generation in generations)
        self._tokens += sum(event.prompt_tokens + event.completion_tokens for event in events if not event.cache_hit)
        self._cache_hits += sum(1 for event in events if event.cache_hit)
        self._cost += sum(event.cost_usd or 0.0 for event in events)

    def _node_metrics(self) -> dict[str, Any]:
        stubs = self._generated + self._failed
        return {
            "total_generations": stubs,
            "successful_generations": self._generated,
            "failed_generations": self._failed,
            "total_attempts": self._attempts,
            "avg_attempts_per_stub": self._attempts / stubs if stubs else 0.0,
            "total_tokens": self._tokens,
            "total_cost_usd": round(self._cost, 6),
            "cache_hits": self._cache_hits,
        }


__all__ = ["NodeCodegenCodeGeneratorEffect"]
