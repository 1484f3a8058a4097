"""LLM providers behind one protocol: OpenAI-compatible servers, Anthropic, a local GGUF model, and replay files;
with the answer cache, the recorder, retries with backoff, and the run's budget."""

from nodegen.llm.budget import RunBudget
from nodegen.llm.cache import CachedClient, CompletionCache
from nodegen.llm.factory import ModelLLMOptions, client_concurrency, create_llm_client
from nodegen.llm.local import TINY_MODEL_WARNING, LocalGGUFClient, smollm2_path
from nodegen.llm.protocol import (
    EnumChatRole,
    EnumLLMFailure,
    LLMClient,
    LLMError,
    ModelChatMessage,
    ModelCompletion,
    ModelCompletionRequest,
    ProviderIdentity,
)
from nodegen.llm.remote import RemoteClient, anthropic_client, openai_client
from nodegen.llm.replay import (
    ModelReplayRecord,
    RecordingClient,
    ReplayClient,
    read_replay_file,
    write_replay_file,
)
from nodegen.llm.retry import RetryPolicy, complete_with_retries
from nodegen.llm.spec import EnumProviderKind, ModelLLMSpec, parse_llm_spec

__all__ = [
    "TINY_MODEL_WARNING",
    "CachedClient",
    "CompletionCache",
    "EnumChatRole",
    "EnumLLMFailure",
    "EnumProviderKind",
    "LLMClient",
    "LLMError",
    "LocalGGUFClient",
    "ModelChatMessage",
    "ModelCompletion",
    "ModelCompletionRequest",
    "ModelLLMOptions",
    "ModelLLMSpec",
    "ModelReplayRecord",
    "ProviderIdentity",
    "RecordingClient",
    "RemoteClient",
    "ReplayClient",
    "RetryPolicy",
    "RunBudget",
    "anthropic_client",
    "client_concurrency",
    "complete_with_retries",
    "create_llm_client",
    "openai_client",
    "parse_llm_spec",
    "read_replay_file",
    "smollm2_path",
    "write_replay_file",
]
