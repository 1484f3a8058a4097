"""NodeCodegenCodeGeneratorEffect - write the body of every stub of a file with an LLM, validated before it is
returned.

ONEX v2.0: suffix naming ``Node<Name><Type>``, subclass of ``NodeEffect`` (it calls LLM providers, reads the node
package around the file, and writes the answer cache), errors as ``ModelOnexError`` with a code.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from nodegen.llm import LLMClient, RetryPolicy, RunBudget, client_concurrency, client_from_settings
from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import EnumValidationRule
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.models import ModelMethodStub
from nodegen.onex import (
    EnumCoreErrorCode,
    ModelContainer,
    ModelContractEffect,
    ModelOnexError,
    NodeEffect,
    TypedPort,
)
from nodegen.services import NodegenServices

from .generation import GenerationOptions, StubConversation, StubGenerator
from .models import ModelStubGeneration
from .models.model_code_generator_options import ModelCodeGeneratorOptions
from .port import ModelCodeGenerationRequest, ModelCodeGenerationResult
from .prompting import FileContext


class NodeCodegenCodeGeneratorEffect(
    NodeEffect[ModelCodeGenerationResult],
    TypedPort[ModelContractEffect, ModelCodeGenerationRequest, ModelCodeGenerationResult],
):
    """Writes code for stubs, one attempt at a time: a prompt with the stub's context, the LLM call, the answer read
    and prepared for validation in place; after the fill workflow validated it, the verdict decides the next message
    (the findings and the answer) or the stub's outcome.

    ``open_file`` gives one conversation per stub of a file (prompts built, no call made); the typed port, ``await
    run(ModelCodeGenerationRequest(conversation=..., verdict=..., working_source=...))``, makes one attempt and gives
    the conversation that follows with the draft to validate or the stub's outcome (``ModelCodeGenerationResult``).
    Services: ``llm_client`` (default: built from the ``llm*`` settings), ``llm_budget`` (a ``RunBudget`` shared by
    a whole run). One node instance bounds the calls in flight across every file it is given
    (``generation_concurrency``).
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

    def _generator(self) -> StubGenerator:
        if self._stub_generator is None:
            # one limit for every file this node is given; an in-process model serves one call at a time
            limit = client_concurrency(self.client)
            limiter = asyncio.Semaphore(min(self.concurrency, limit) if limit else self.concurrency)
            self._stub_generator = StubGenerator(self.client, self.options, self.budget, limiter)
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
        """One conversation per stub of a file, prompts built, no call made (each goes to ``run`` for its attempts);
        ``known`` code per stub (by qualified name) is tried before the model. ``VALIDATION_ERROR`` when the source
        does not parse."""
        context = self._read(source, file_path, stubs)
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

    async def _handle(self, request: ModelCodeGenerationRequest, correlation_id: UUID) -> ModelCodeGenerationResult:
        result = await self._generator().attempt(request)
        if result.generation is not None:
            self._count([result.generation])
        return result

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
