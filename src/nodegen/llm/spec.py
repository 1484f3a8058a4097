"""Provider strings: ``openai:gpt-4o-mini``, ``ollama:llama3.2``, ``anthropic:claude-sonnet-4-5``, ``local`` (the
embedded Qwen2.5-Coder-0.5B), ``local:1.5b``, ``gguf:/models/qwen.gguf``, ``replay:answers.jsonl``."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from nodegen.onex import EnumCoreErrorCode, ModelOnexError

from .protocol import ProviderCapabilities
from .weights import LOCAL_DEFAULT, LOCAL_MODELS

OLLAMA_BASE_URL = "http://127.0.0.1:11434/v1"


class EnumProviderKind(StrEnum):
    """The kinds of provider nodegen can talk to."""

    OPENAI = "openai"
    OLLAMA = "ollama"
    ANTHROPIC = "anthropic"
    LOCAL = "local"
    GGUF = "gguf"
    REPLAY = "replay"


_IN_PROCESS = ProviderCapabilities(
    max_concurrency=1, follows_findings=False, continues_answer=True, samples_together=4
)
_HOSTED = ProviderCapabilities(structured_output=True)
CAPABILITIES: dict[EnumProviderKind, ProviderCapabilities] = {
    EnumProviderKind.OPENAI: _HOSTED,
    EnumProviderKind.OLLAMA: _HOSTED,
    EnumProviderKind.ANTHROPIC: _HOSTED,
    EnumProviderKind.LOCAL: _IN_PROCESS,
    EnumProviderKind.GGUF: _IN_PROCESS,
    EnumProviderKind.REPLAY: ProviderCapabilities(),  # a recording of one provider answers as that provider did
}
"""What each kind of provider can do: the one place behaviour by provider is declared."""


def capabilities_for(provider: str) -> ProviderCapabilities:
    """The declared capabilities of the provider called ``provider`` (an identity's or a recording's name; a GGUF
    file's model answers as ``local``); an unknown name gets the defaults of a capable remote model."""
    try:
        return CAPABILITIES[EnumProviderKind(provider)]
    except ValueError:
        return ProviderCapabilities()


_NEEDS_MODEL = {EnumProviderKind.OPENAI, EnumProviderKind.OLLAMA, EnumProviderKind.ANTHROPIC}
_NEEDS_PATH = {EnumProviderKind.GGUF, EnumProviderKind.REPLAY}
EXAMPLES = "openai:gpt-4o-mini, ollama:llama3.2, anthropic:claude-sonnet-4-5, local, local:1.5b, gguf:PATH, replay:FILE"


class ModelLLMSpec(BaseModel):
    """A parsed provider string: the kind, and the model name or the file it names (for ``local``, the embedded
    model's key, empty for the default)."""

    model_config = ConfigDict(frozen=True)

    kind: EnumProviderKind
    model: str = ""
    path: str = ""

    def __str__(self) -> str:
        if self.kind in _NEEDS_MODEL:
            return f"{self.kind.value}:{self.model}"
        if self.kind in _NEEDS_PATH:
            return f"{self.kind.value}:{self.path}"
        return f"{self.kind.value}:{self.model}" if self.model else self.kind.value


def parse_llm_spec(text: str) -> ModelLLMSpec:
    """Read a provider string; ``ModelOnexError(INVALID_CONFIGURATION)`` with the accepted forms when it is wrong."""
    raw = text.strip()
    prefix, sep, rest = raw.partition(":")
    try:
        kind = EnumProviderKind(prefix.strip().lower())
    except ValueError:
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.INVALID_CONFIGURATION,
            message=f"unknown LLM provider {prefix.strip()!r} in {raw!r}; use one of: {EXAMPLES}",
        ) from None
    rest = rest.strip()
    if kind is EnumProviderKind.LOCAL:
        key = rest.lower()
        if key and key not in LOCAL_MODELS:
            names = ", ".join(f"local:{name}" for name in LOCAL_MODELS)
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.INVALID_CONFIGURATION,
                message=f"no embedded local model {rest!r} (got {raw!r}): use local (= local:{LOCAL_DEFAULT}), "
                f"{names}, or gguf:PATH to run another GGUF file",
            )
        return ModelLLMSpec(kind=kind, model="" if key == LOCAL_DEFAULT else key)
    if not sep or not rest:
        what, placeholder = ("a model name", "MODEL") if kind in _NEEDS_MODEL else ("a file path", "PATH")
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.INVALID_CONFIGURATION,
            message=f"LLM provider {kind.value!r} needs {what}: write {kind.value}:{placeholder} (got {raw!r})",
        )
    if kind in _NEEDS_PATH:
        return ModelLLMSpec(kind=kind, path=rest)
    return ModelLLMSpec(kind=kind, model=rest)


__all__ = [
    "CAPABILITIES",
    "EXAMPLES",
    "OLLAMA_BASE_URL",
    "EnumProviderKind",
    "ModelLLMSpec",
    "capabilities_for",
    "parse_llm_spec",
]
