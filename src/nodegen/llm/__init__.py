"""LLM providers behind one protocol: OpenAI-compatible servers, Anthropic, a local GGUF model, and replay files;
with the answer cache, the recorder, retries with backoff, and the run's budget.

The remote clients (``remote``: pydantic-ai, the OpenAI and Anthropic SDKs) are imported on first use, like
llama.cpp: importing this package loads no provider SDK."""

from typing import TYPE_CHECKING

from nodegen.lazy import lazy_exports
from nodegen.llm.budget import RunBudget
from nodegen.llm.cache import CachedClient, CompletionCache
from nodegen.llm.factory import (
    LLMClientSettings,
    ModelLLMOptions,
    client_concurrency,
    client_from_settings,
    create_llm_client,
)
from nodegen.llm.local import TINY_MODEL_WARNING, LocalGGUFClient
from nodegen.llm.protocol import (
    EnumChatRole,
    EnumLLMFailure,
    LLMClient,
    LLMError,
    ModelChatMessage,
    ModelCompletion,
    ModelCompletionRequest,
    ProviderCapabilities,
    ProviderIdentity,
    WrappedClient,
)
from nodegen.llm.replay import (
    ModelReplayRecord,
    RecordingClient,
    ReplayClient,
    read_replay_file,
    write_replay_file,
)
from nodegen.llm.retry import RetryPolicy, complete_with_retries
from nodegen.llm.spec import EnumProviderKind, ModelLLMSpec, capabilities_for, parse_llm_spec
from nodegen.llm.weights import LOCAL_MODELS, ModelWeightsSpec, local_model_spec, locate_parts
from nodegen.llm.weights_cache import default_model_cache_dir, local_model_path

if TYPE_CHECKING:
    from nodegen.llm.remote import RemoteClient, anthropic_client, openai_client

__all__ = [
    "LOCAL_MODELS",
    "TINY_MODEL_WARNING",
    "CachedClient",
    "CompletionCache",
    "EnumChatRole",
    "EnumLLMFailure",
    "EnumProviderKind",
    "LLMClient",
    "LLMClientSettings",
    "LLMError",
    "LocalGGUFClient",
    "ModelChatMessage",
    "ModelCompletion",
    "ModelCompletionRequest",
    "ModelLLMOptions",
    "ModelLLMSpec",
    "ModelReplayRecord",
    "ModelWeightsSpec",
    "ProviderCapabilities",
    "ProviderIdentity",
    "RecordingClient",
    "RemoteClient",
    "ReplayClient",
    "RetryPolicy",
    "RunBudget",
    "WrappedClient",
    "anthropic_client",
    "capabilities_for",
    "client_concurrency",
    "client_from_settings",
    "complete_with_retries",
    "create_llm_client",
    "default_model_cache_dir",
    "local_model_path",
    "local_model_spec",
    "locate_parts",
    "openai_client",
    "parse_llm_spec",
    "read_replay_file",
    "write_replay_file",
]
__getattr__ = lazy_exports(
    __name__, {"RemoteClient": ".remote", "anthropic_client": ".remote", "openai_client": ".remote"}
)
