"""From a provider string and settings to a ready client: the provider, behind the cache (SQLite under the state
directory) and the recorder when they are enabled. ``client_from_settings`` is the one way nodegen builds the client
its settings describe (the generator, the spec stage of `nodegen new`, the benchmarks)."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from nodegen.onex import EnumCoreErrorCode, ModelOnexError

from .cache import CachedClient, CompletionCache
from .local import LocalGGUFClient
from .protocol import EnumLLMFailure, LLMClient, LLMError
from .replay import RecordingClient, ReplayClient
from .spec import OLLAMA_BASE_URL, EnumProviderKind, ModelLLMSpec, parse_llm_spec
from .weights import local_model_spec
from .weights_cache import local_model_path


class ModelLLMOptions(BaseModel):
    """What a client is built from (the ``llm*`` settings)."""

    model_config = ConfigDict(frozen=True)

    llm: str = "local"
    base_url: str | None = None
    api_key: SecretStr | None = None
    record_to: Path | None = Field(default=None, description="Append every answer to this replay file")
    cache_path: Path | None = Field(default=None, description="SQLite cache file; None: no cache")
    context_tokens: int = 8192
    timeout_s: float = 120.0
    model_cache_dir: Path | None = Field(
        default=None, description="Where the embedded models are assembled; None: ~/.cache/nodegen/models (XDG)"
    )


LLAMA_CPP_MISSING = (
    "the {provider} provider runs the model in-process with llama-cpp-python, which is not installed: "
    "`pip install 'nodegen[local]'` (builds llama.cpp from source, about 5 minutes once), or choose another "
    "provider with --llm (openai:MODEL, ollama:MODEL, anthropic:MODEL, replay:FILE)"
)


def _require_llama_cpp(provider: str) -> None:
    """A local model cannot run without llama-cpp-python: say so when the client is built (a configuration error),
    not at the first call (where it would read as a failed stub)."""
    try:
        importlib.import_module("llama_cpp")
    except ImportError:
        raise LLMError(EnumLLMFailure.UNAVAILABLE, LLAMA_CPP_MISSING.format(provider=provider)) from None


def _remote(spec: ModelLLMSpec, options: ModelLLMOptions) -> LLMClient:
    """An OpenAI-compatible or Anthropic client (``remote`` loads pydantic-ai and the SDK: for these only)."""
    from .remote import anthropic_client, openai_client  # noqa: PLC0415

    key = options.api_key.get_secret_value() if options.api_key is not None else None
    if spec.kind is EnumProviderKind.OPENAI:
        return openai_client(spec.model, base_url=options.base_url, api_key=key)
    if spec.kind is EnumProviderKind.OLLAMA:
        return openai_client(
            spec.model, base_url=options.base_url or OLLAMA_BASE_URL, api_key=key or "ollama", provider="ollama"
        )
    return anthropic_client(spec.model, base_url=options.base_url, api_key=key)


def _provider(spec: ModelLLMSpec, options: ModelLLMOptions) -> LLMClient:
    if spec.kind in (EnumProviderKind.OPENAI, EnumProviderKind.OLLAMA, EnumProviderKind.ANTHROPIC):
        return _remote(spec, options)
    if spec.kind in (EnumProviderKind.LOCAL, EnumProviderKind.GGUF):
        _require_llama_cpp(spec.kind.value)
    if spec.kind is EnumProviderKind.LOCAL:
        weights = local_model_spec(spec.model)
        return LocalGGUFClient(
            local_model_path(weights, cache_dir=options.model_cache_dir),
            name=weights.model_name,
            context_tokens=options.context_tokens,
            time_limit_s=options.timeout_s,
        )
    if spec.kind is EnumProviderKind.GGUF:
        path = Path(spec.path).expanduser()
        return LocalGGUFClient(path, context_tokens=options.context_tokens, time_limit_s=options.timeout_s)
    return ReplayClient(Path(spec.path).expanduser())


def create_llm_client(options: ModelLLMOptions) -> LLMClient:
    """The configured provider; ``LLMError`` (no key, no model file, a local model's data wheels missing or damaged)
    or ``ModelOnexError`` (bad string, bad replay file) when it cannot be built. For ``local`` this assembles the
    model into its cache the first time (progress bar on stderr) and checks its sha256 once per process."""
    spec = parse_llm_spec(options.llm)
    client = _provider(spec, options)
    if options.cache_path is not None and spec.kind is not EnumProviderKind.REPLAY:
        client = CachedClient(client, CompletionCache(options.cache_path))
    if options.record_to is not None:
        client = RecordingClient(client, options.record_to)
    return client


class LLMClientSettings(Protocol):
    """The settings a client is built from: ``NodegenSettings`` has them, and so has every node's options model that
    declares them."""

    @property
    def llm(self) -> str: ...

    @property
    def llm_base_url(self) -> str | None: ...

    @property
    def llm_api_key(self) -> SecretStr | None: ...

    @property
    def llm_record(self) -> str | None: ...

    @property
    def llm_cache(self) -> bool: ...

    @property
    def llm_context_tokens(self) -> int: ...

    @property
    def llm_timeout_s(self) -> float: ...

    @property
    def llm_model_cache_dir(self) -> str | None: ...

    @property
    def state_dir(self) -> str: ...


# A provider that cannot be built, as the error code a run fails with (anything else: NO_SUITABLE_PROVIDER).
_BUILD_ERRORS = {
    EnumLLMFailure.AUTHENTICATION: EnumCoreErrorCode.AUTHENTICATION_ERROR,
    EnumLLMFailure.UNAVAILABLE: EnumCoreErrorCode.DEPENDENCY_UNAVAILABLE,
}


def client_from_settings(settings: LLMClientSettings, *, local_files: bool = True) -> LLMClient:
    """The client ``settings`` describe: the ``llm`` provider, its answers cached in ``<state_dir>/cache.db`` when
    ``llm_cache`` is on and recorded to ``llm_record`` when set (``local_files`` False: neither, for a worker, whose
    cache is the shared one). A provider that cannot be built is a ``ModelOnexError`` with the reason
    (``AUTHENTICATION_ERROR``: no key; ``DEPENDENCY_UNAVAILABLE``: llama-cpp-python or a local model's weights
    missing; ``NO_SUITABLE_PROVIDER`` otherwise); a bad provider string or replay file is a ``ModelOnexError`` as
    ``create_llm_client`` raises it."""
    model_cache = settings.llm_model_cache_dir
    options = ModelLLMOptions(
        llm=settings.llm,
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key,
        record_to=Path(settings.llm_record) if settings.llm_record and local_files else None,
        cache_path=Path(settings.state_dir) / "cache.db" if settings.llm_cache and local_files else None,
        context_tokens=settings.llm_context_tokens,
        timeout_s=settings.llm_timeout_s,
        model_cache_dir=Path(model_cache).expanduser() if model_cache else None,
    )
    try:
        return create_llm_client(options)
    except LLMError as error:
        raise ModelOnexError(
            error_code=_BUILD_ERRORS.get(error.kind, EnumCoreErrorCode.NO_SUITABLE_PROVIDER), message=error.message
        ) from None


def client_concurrency(client: LLMClient) -> int | None:
    """The most calls ``client`` can usefully serve at once (1 for an in-process model), or None for no limit."""
    return client.capabilities.max_concurrency


__all__ = [
    "LLAMA_CPP_MISSING",
    "LLMClientSettings",
    "ModelLLMOptions",
    "client_concurrency",
    "client_from_settings",
    "create_llm_client",
]
