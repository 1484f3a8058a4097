"""Recorded answers: a JSON Lines file written by ``RecordingClient`` from any provider, played back by
``ReplayClient`` (``--llm replay:FILE``) for deterministic tests, demos and CI.

Each line is one answer keyed by the request's hash (provider, model, endpoint, parameters and prompt). Replay looks
a request up under every provider that the file holds answers of, in the order they first appear. A record holds no
API key and no prompt text: the key, the provider's identity, the answer and its token counts.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from nodegen.onex import EnumCoreErrorCode, ModelOnexError

from .protocol import (
    EnumLLMFailure,
    LLMClient,
    LLMError,
    ModelCompletion,
    ModelCompletionRequest,
    ProviderCapabilities,
    ProviderIdentity,
    WrappedClient,
)
from .spec import capabilities_for


class ModelReplayRecord(BaseModel):
    """One recorded answer (one line of a replay file)."""

    key: str
    provider: str
    model: str
    endpoint: str = ""
    text: str
    input_tokens: int = Field(default=0, ge=0)
    output_tokens: int = Field(default=0, ge=0)
    cost_usd: float | None = None
    recorded_at: float = Field(default_factory=time.time)

    @property
    def identity(self) -> ProviderIdentity:
        """Who gave the answer."""
        return ProviderIdentity(provider=self.provider, model=self.model, endpoint=self.endpoint)

    @classmethod
    def answer(
        cls, request: ModelCompletionRequest, identity: ProviderIdentity, text: str, **usage: int
    ) -> ModelReplayRecord:
        """A scripted answer to ``request`` as if ``identity`` had given it (for tests and evaluation harnesses)."""
        return cls(
            key=request.key(identity),
            provider=identity.provider,
            model=identity.model,
            endpoint=identity.endpoint,
            text=text,
            **usage,
        )


def read_replay_file(path: Path) -> list[ModelReplayRecord]:
    """Every record of a replay file; ``ModelOnexError`` naming the file and line when one cannot be read."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.FILE_NOT_FOUND,
            message=f"replay file not found: {path} (record one with --record {path} and a real provider)",
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.FILE_READ_ERROR, message=f"cannot read replay file {path}: {error}"
        ) from error
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            records.append(ModelReplayRecord.model_validate_json(line))
        except ValidationError as error:
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.PARSING_ERROR,
                message=f"{path}:{number}: not a replay record: {error.errors()[0]['msg']}",
            ) from error
    return records


def write_replay_file(path: Path, records: list[ModelReplayRecord]) -> None:
    """Write ``records`` as a replay file (replacing it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(record.model_dump_json() + "\n" for record in records), encoding="utf-8")


class ReplayClient:
    """Answers from a replay file; a request that was never recorded is an error that says so."""

    def __init__(self, path: Path) -> None:
        self.path = path
        records = read_replay_file(path)
        self._records = {record.key: record for record in records}
        self._identities = list(dict.fromkeys(record.identity for record in records))
        self._identity = ProviderIdentity(provider="replay", model=path.name)
        recorded = tuple(dict.fromkeys(identity.provider for identity in self._identities))
        # a recording of one provider answers as that provider did (its first prompts and retries are the ones sent)
        self._capabilities = capabilities_for(recorded[0] if len(recorded) == 1 else self._identity.provider)

    @property
    def identity(self) -> ProviderIdentity:
        """``replay:<file name>``."""
        return self._identity

    @property
    def capabilities(self) -> ProviderCapabilities:
        """The recorded provider's, when the file holds one provider's answers; else a replay's own."""
        return self._capabilities

    async def complete(self, request: ModelCompletionRequest) -> ModelCompletion:
        """The recorded answer (cost 0: nothing is called)."""
        for identity in self._identities:
            record = self._records.get(request.key(identity))
            if record is not None:
                return ModelCompletion(
                    text=record.text,
                    identity=ProviderIdentity(provider="replay", model=f"{identity.provider}:{identity.model}"),
                    input_tokens=record.input_tokens,
                    output_tokens=record.output_tokens,
                    cost_usd=0.0,
                    cached=True,
                )
        raise LLMError(
            EnumLLMFailure.NOT_RECORDED,
            f"{self.path} holds no answer for this prompt (key {request.key(self._identity)[:12]} under any of "
            f"{len(self._identities)} recorded provider(s)); record it with --record FILE and a real provider",
        )

    async def aclose(self) -> None:
        """Nothing to release."""


class RecordingClient(WrappedClient):
    """A provider whose every answer is also appended to a replay file."""

    def __init__(self, inner: LLMClient, path: Path) -> None:
        super().__init__(inner)
        self.path = path
        self._lock = asyncio.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)

    async def complete(self, request: ModelCompletionRequest) -> ModelCompletion:
        """The provider's answer, recorded."""
        completion = await self.inner.complete(request)
        record = ModelReplayRecord(
            key=request.key(self.identity),
            provider=self.identity.provider,
            model=self.identity.model,
            endpoint=self.identity.endpoint,
            text=completion.text,
            input_tokens=completion.input_tokens,
            output_tokens=completion.output_tokens,
            cost_usd=completion.cost_usd,
        )
        async with self._lock:
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(record.model_dump_json() + "\n")
        return completion


__all__ = ["ModelReplayRecord", "RecordingClient", "ReplayClient", "read_replay_file", "write_replay_file"]
