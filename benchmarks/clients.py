"""Providers the benchmarks put in front of (or instead of) a model: one that watches every call to a real provider,
and one that answers at once from a script (instant answers, to measure everything but the model)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from nodegen.llm import (
    LLMClient,
    ModelCompletion,
    ModelCompletionRequest,
    ProviderCapabilities,
    ProviderIdentity,
    WrappedClient,
)


@dataclass
class Call:
    """One call as the provider saw it."""

    turns: int  # messages in the request: 1 on a first attempt, 3 on a repair
    asked: str  # the request's last message
    text: str
    input_tokens: int
    output_tokens: int
    evaluated_tokens: int | None  # prompt tokens the model actually evaluated (llama.cpp reuses a shared prefix)
    latency_ms: float

    def as_json(self, *, asked: bool = False) -> dict[str, object]:
        """The call as a results row keeps it; with ``asked``, the request's last message too (``--calls``)."""
        return {
            "turns": self.turns,
            **({"asked": self.asked} if asked else {}),
            "answer": self.text,
            "prompt_tokens": self.input_tokens,
            "completion_tokens": self.output_tokens,
            "prompt_tokens_evaluated": self.evaluated_tokens,
            "latency_ms": round(self.latency_ms, 1),
        }


def evaluated_tokens(completion: ModelCompletion) -> int | None:
    """``ModelCompletion.prompt_tokens_evaluated`` when the provider reports it (None otherwise)."""
    value = getattr(completion, "prompt_tokens_evaluated", None)
    return int(value) if isinstance(value, int) else None


class ObservingClient(WrappedClient):
    """Passes every request to ``inner`` and keeps what came back (``calls``, cleared by the caller between runs)."""

    def __init__(self, inner: LLMClient) -> None:
        super().__init__(inner)
        self.calls: list[Call] = []

    async def complete(self, request: ModelCompletionRequest) -> ModelCompletion:
        started = time.perf_counter()
        completion = await self.inner.complete(request)
        self.calls.append(
            Call(
                turns=len(request.messages),
                asked=request.messages[-1].content if request.messages else "",
                text=completion.text,
                input_tokens=completion.input_tokens,
                output_tokens=completion.output_tokens,
                evaluated_tokens=evaluated_tokens(completion),
                # the provider's own time of the call: answers decoded together report the batch's time once (on
                # the first), where each caller's wall clock would count it once per answer
                latency_ms=(time.perf_counter() - started) * 1000 if completion.cached else completion.latency_ms,
            )
        )
        return completion

    async def aclose(self) -> None:
        """The benchmark owns the model: it is closed once, at the end, with ``inner.aclose()``."""


class SequenceClient:
    """Answers the n-th call of a run with ``answers[n]`` (the last one again after that), at once."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = answers
        self.served = 0

    @property
    def identity(self) -> ProviderIdentity:
        return ProviderIdentity(provider="scripted", model="instant")

    @property
    def capabilities(self) -> ProviderCapabilities:
        return ProviderCapabilities()

    async def complete(self, request: ModelCompletionRequest) -> ModelCompletion:
        text = self.answers[min(self.served, len(self.answers) - 1)]
        self.served += 1
        return ModelCompletion(text=text, identity=self.identity, cost_usd=0.0)

    async def aclose(self) -> None:
        pass
