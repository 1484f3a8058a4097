"""The one protocol every provider speaks: a chat completion request in, a completion with its usage out.

Requests are plain values (a system prompt and the conversation so far), so that the same request can be hashed for
the cache and for replay files, whatever provider answers it.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from .redact import redact

KEY_VERSION = 1


class EnumChatRole(StrEnum):
    """Who wrote a message of the conversation."""

    USER = "user"
    ASSISTANT = "assistant"


class ModelChatMessage(BaseModel):
    """One message of the conversation."""

    model_config = ConfigDict(frozen=True)

    role: EnumChatRole
    content: str


class ModelCompletionRequest(BaseModel):
    """What is sent to a model: the system prompt, the conversation (user first, alternating) and the parameters."""

    model_config = ConfigDict(frozen=True)

    system: str
    messages: list[ModelChatMessage] = Field(min_length=1)
    max_tokens: int = Field(default=2048, ge=1, description="Most tokens the answer may take")
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    seed: int | None = Field(default=None, description="Sampling seed (None: the provider's own); retries vary it")
    json_schema: dict[str, Any] | None = Field(
        default=None,
        description="Answer with one JSON object under this schema: providers with structured output constrain the "
        "answer to it (a server's JSON-schema mode, llama.cpp's grammar); the caller still validates what comes back",
    )
    answer_start: str | None = Field(
        default=None,
        description="The answer's first characters, written for the model (the in-process models continue from them "
        "and return them with the rest; a provider without it answers from the start, and the caller reads either)",
    )
    stop: list[str] = Field(default_factory=list, description="The answer ends before the first of these texts")

    def key(self, identity: ProviderIdentity) -> str:
        """A content hash of provider, model, endpoint, parameters and prompt: the cache's and replay's key. The
        JSON schema is not part of it: it constrains how the answer is decoded, and every answer is validated, so an
        answer recorded with it replays without it (a replay file answers whoever asks)."""
        material = {
            "v": KEY_VERSION,
            "provider": identity.provider,
            "model": identity.model,
            "endpoint": identity.endpoint,
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "system": self.system,
            "messages": [[message.role.value, message.content] for message in self.messages],
        }
        if self.seed is not None:  # only then: keys of unseeded requests stay those of earlier caches and replay files
            material["seed"] = self.seed
        if self.answer_start is not None or self.stop:  # the same: only requests that use them
            material["answer_start"] = self.answer_start
            material["stop"] = self.stop
        encoded = json.dumps(material, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(encoded.encode("utf-8")).hexdigest()

    @property
    def prompt_text(self) -> str:
        """The whole prompt as one text (for hashing and for estimates)."""
        return self.system + "\n" + "\n".join(message.content for message in self.messages)


class ProviderIdentity(BaseModel):
    """Which model answers: the provider's name, the model's name and, for servers, the endpoint (never a key)."""

    model_config = ConfigDict(frozen=True)

    provider: str
    model: str
    endpoint: str = ""

    def __str__(self) -> str:
        return f"{self.provider}:{self.model}" + (f" at {self.endpoint}" if self.endpoint else "")


class ProviderCapabilities(BaseModel):
    """What a provider can do, declared by its kind (``spec.capabilities_for``), so that behaviour is chosen by what
    a provider does, never by its name."""

    model_config = ConfigDict(frozen=True)

    max_concurrency: int | None = Field(
        default=None, ge=1, description="The most calls it can usefully serve at once (1: one in-process model)"
    )
    follows_findings: bool = Field(
        default=True,
        description="It acts on the findings beside its failed answer (a retry repairs) and on nodegen's conventions "
        "in the prompt; a small model copies a failed answer back, so its retries resample and its prompt is plain",
    )
    continues_answer: bool = Field(
        default=False, description="It can continue an answer nodegen starts (a method's signature and docstring)"
    )
    structured_output: bool = Field(
        default=False, description="It has a structured-output mode for answers under a JSON schema"
    )
    samples_together: int = Field(
        default=1,
        ge=1,
        description="How many calls made at once with one prompt it decodes together (one batch on an in-process "
        "model: several samples of one question cost little more than one); 1: each call on its own",
    )

    def batch_time(self, answers: int | None = None) -> float:
        """How many calls' time limits a call may take when ``answers`` (default: the most it decodes together)
        are decoded in one batch with it: half a limit more for each answer beside the first (decoded together, four
        answers cost about twice one: docs/benchmarks.md ``together-decoding-local-1-5b``). One call's limit for a
        whole batch cut the 1.5B model's four InvoiceFetcher retries mid-line at 108 s, twice: eight attempts lost."""
        count = self.samples_together if answers is None else min(max(answers, 1), self.samples_together)
        return 1 + (count - 1) / 2


class ModelCompletion(BaseModel):
    """A model's answer and what it cost."""

    text: str
    identity: ProviderIdentity
    input_tokens: int = Field(default=0, ge=0)
    output_tokens: int = Field(default=0, ge=0)
    prompt_tokens_evaluated: int | None = Field(
        default=None,
        ge=0,
        description="Prompt tokens the model actually evaluated (input tokens minus those served from llama.cpp's "
        "prefix cache); None when the provider does not say",
    )
    latency_ms: float = Field(default=0.0, ge=0.0)
    cost_usd: float | None = Field(default=None, description="None when the price of the model is unknown")
    cached: bool = Field(default=False, description="Served from the cache or a replay file: no call was made")
    retries: int = Field(default=0, ge=0, description="Calls retried after a rate limit, server error or timeout")


@runtime_checkable
class LLMClient(Protocol):
    """A provider: answers completion requests."""

    @property
    def identity(self) -> ProviderIdentity:
        """Who answers."""
        ...

    @property
    def capabilities(self) -> ProviderCapabilities:
        """What it can do (a wrapper's are its provider's)."""
        ...

    async def complete(self, request: ModelCompletionRequest) -> ModelCompletion:
        """The model's answer; ``LLMError`` when there is none."""
        ...

    async def aclose(self) -> None:
        """Release connections, files and models."""
        ...


class WrappedClient:
    """A provider behind a wrapper (the cache, the replay recorder): who answers and what it can do are the
    provider's, and closing the wrapper closes it."""

    def __init__(self, inner: LLMClient) -> None:
        self.inner = inner

    @property
    def identity(self) -> ProviderIdentity:
        """The inner provider's identity (the wrapper is transparent)."""
        return self.inner.identity

    @property
    def capabilities(self) -> ProviderCapabilities:
        """The inner provider's."""
        return self.inner.capabilities

    async def aclose(self) -> None:
        """Close the provider."""
        await self.inner.aclose()


class EnumLLMFailure(StrEnum):
    """Why a call gave no answer."""

    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"
    TIMEOUT = "timeout"
    CONNECTION = "connection"
    AUTHENTICATION = "authentication"
    BAD_REQUEST = "bad_request"
    NOT_RECORDED = "not_recorded"
    UNAVAILABLE = "unavailable"
    BUDGET_EXHAUSTED = "budget_exhausted"

    @property
    def retryable(self) -> bool:
        """Worth trying again after a pause."""
        return self in {
            EnumLLMFailure.RATE_LIMITED,
            EnumLLMFailure.SERVER_ERROR,
            EnumLLMFailure.TIMEOUT,
            EnumLLMFailure.CONNECTION,
        }


class LLMError(Exception):
    """A call that gave no answer. The message names the provider and what to do; it never holds a key: anything
    key-shaped is redacted here (the provider adapters also redact the configured key before they build one)."""

    def __init__(
        self,
        kind: EnumLLMFailure,
        message: str,
        *,
        status: int | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        message = redact(message)
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status
        self.retry_after_s = retry_after_s
        self.retries = 0


__all__ = [
    "EnumChatRole",
    "EnumLLMFailure",
    "LLMClient",
    "LLMError",
    "ModelChatMessage",
    "ModelCompletion",
    "ModelCompletionRequest",
    "ProviderCapabilities",
    "ProviderIdentity",
]
