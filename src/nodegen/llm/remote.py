"""OpenAI-compatible servers (OpenAI, vLLM, Ollama, llama.cpp's server, LM Studio, OpenRouter) and Anthropic, through
pydantic-ai's models: it speaks each protocol, reads usage, and prices answers with genai-prices.

Retries are not left to the SDKs (``max_retries=0``): nodegen's own loop (``retry.py``) backs off on 429 and 5xx the
same way for every provider and counts what it retried. Errors are turned into ``LLMError`` with the provider named
and the key never shown: the key the SDK actually sends (given, or read from ``OPENAI_API_KEY`` /
``ANTHROPIC_API_KEY``) and anything key-shaped are redacted from the provider's message (``redact.py``).

Each client imports its own SDK when it is built: an OpenAI-compatible fill does not load Anthropic's, and the other
providers load neither (``nodegen.llm`` imports this module on first use).
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from pydantic_ai import exceptions as ai_errors
from pydantic_ai.direct import model_request
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    SystemPromptPart,
    TextPart,
    ToolCallPart,
    UserPromptPart,
)
from pydantic_ai.models import Model, ModelRequestParameters
from pydantic_ai.output import OutputObjectDefinition
from pydantic_ai.settings import ModelSettings
from pydantic_ai.tools import ToolDefinition

from .protocol import (
    EnumChatRole,
    EnumLLMFailure,
    LLMError,
    ModelCompletion,
    ModelCompletionRequest,
    ProviderCapabilities,
    ProviderIdentity,
)
from .redact import redact
from .spec import capabilities_for

if TYPE_CHECKING:
    from pydantic_ai.providers.anthropic import AnthropicProvider
    from pydantic_ai.providers.openai import OpenAIProvider

_KEY_STATUSES = frozenset({401, 403})


def public_endpoint(url: str) -> str:
    """A base URL without credentials, query or fragment, and without a trailing slash."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path.rstrip("/"), "", ""))


def _messages(request: ModelCompletionRequest) -> list[ModelMessage]:
    history: list[ModelMessage] = []
    for index, message in enumerate(request.messages):
        if message.role is EnumChatRole.USER:
            parts: list[SystemPromptPart | UserPromptPart] = [UserPromptPart(content=message.content)]
            if index == 0:
                parts.insert(0, SystemPromptPart(content=request.system))
            history.append(ModelRequest(parts=parts))
        else:
            history.append(ModelResponse(parts=[TextPart(content=message.content)]))
    return history


def _cost(response: ModelResponse) -> float | None:
    try:
        price = response.cost().total_price
    except (LookupError, ValueError, AssertionError):
        return None  # genai-prices does not know the model (or the answer came without usage): no made-up number
    return float(Decimal(price))


def _error(error: ai_errors.ModelAPIError, identity: ProviderIdentity, secret: str | None) -> LLMError:
    status = getattr(error, "status_code", None)
    headers = getattr(error, "headers", None) or {}
    if isinstance(error, ai_errors.ModelTimeoutError):
        kind = EnumLLMFailure.TIMEOUT
    elif isinstance(error, ai_errors.ModelConnectionError):
        kind = EnumLLMFailure.CONNECTION
    elif isinstance(error, ai_errors.ModelRateLimitError):
        kind = EnumLLMFailure.RATE_LIMITED
    elif status in _KEY_STATUSES or (status is None and isinstance(error, ai_errors.ModelAuthenticationError)):
        kind = EnumLLMFailure.AUTHENTICATION  # only a refused key is told to check the key (never a 500)
    elif isinstance(error, ai_errors.ModelServerError | ai_errors.ModelUnavailableError) or (
        status is not None and status >= 500
    ):
        kind = EnumLLMFailure.SERVER_ERROR
    elif status == 408:
        kind = EnumLLMFailure.TIMEOUT
    else:
        kind = EnumLLMFailure.BAD_REQUEST
    retry_after = None
    if "retry-after" in headers:
        try:
            retry_after = max(0.0, float(headers["retry-after"]))
        except ValueError:
            retry_after = None
    detail = redact(str(error), [secret])
    hint = {
        EnumLLMFailure.AUTHENTICATION: "; check the API key (OPENAI_API_KEY / ANTHROPIC_API_KEY or llm_api_key)",
        EnumLLMFailure.CONNECTION: "; is the server running and the base URL right?",
    }.get(kind, "")
    return LLMError(kind, f"{identity}: {detail}{hint}", status=status, retry_after_s=retry_after)


_OUTPUT_NAME = "answer"


def _parameters(model: Model, schema: dict[str, Any] | None) -> ModelRequestParameters | None:
    """Structured output under ``schema``: the provider's JSON-schema mode where the model has one, else an output
    tool whose arguments are the object (pydantic-ai's ``NativeOutput`` / ``ToolOutput``)."""
    if schema is None:
        return None
    if model.profile.get("supports_json_schema_output", False):
        return ModelRequestParameters(
            output_mode="native",
            output_object=OutputObjectDefinition(json_schema=schema, name=_OUTPUT_NAME),
            allow_text_output=True,
        )
    tool = ToolDefinition(name=_OUTPUT_NAME, parameters_json_schema=schema, kind="output")
    return ModelRequestParameters(output_mode="tool", output_tools=[tool], allow_text_output=False)


def _text(response: ModelResponse) -> str:
    """The answer's text, or the output tool's arguments as JSON."""
    text = "".join(part.content for part in response.parts if isinstance(part, TextPart))
    if text:
        return text
    calls = [part for part in response.parts if isinstance(part, ToolCallPart) and part.tool_name == _OUTPUT_NAME]
    return calls[0].args_as_json_str() if calls else ""


class RemoteClient:
    """A model behind an HTTP API, through pydantic-ai."""

    def __init__(self, model: Model, identity: ProviderIdentity, secret: str | None = None) -> None:
        self._model = model
        self._identity = identity
        self._secret = secret

    @property
    def identity(self) -> ProviderIdentity:
        """Provider, model and endpoint."""
        return self._identity

    @property
    def capabilities(self) -> ProviderCapabilities:
        """Its kind's (a hosted model: structured output, repairs from findings)."""
        return capabilities_for(self._identity.provider)

    async def complete(self, request: ModelCompletionRequest) -> ModelCompletion:
        """One call, no retry."""
        settings: ModelSettings = {
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "max_retries": 0,
        }
        if request.seed is not None:  # providers without seeds (Anthropic) ignore it
            settings["seed"] = request.seed
        started = time.perf_counter()
        try:
            response = await model_request(
                self._model,
                _messages(request),
                model_settings=settings,
                model_request_parameters=_parameters(self._model, request.json_schema),
            )
        except ai_errors.ModelAPIError as error:
            raise _error(error, self._identity, self._secret) from None
        except ai_errors.UnexpectedModelBehavior as error:
            detail = redact(error.message, [self._secret])
            raise LLMError(EnumLLMFailure.SERVER_ERROR, f"{self._identity}: {detail}") from None
        latency_ms = (time.perf_counter() - started) * 1000
        return ModelCompletion(
            text=_text(response),
            identity=self._identity,
            input_tokens=response.usage.input_tokens,
            output_tokens=response.usage.output_tokens,
            latency_ms=latency_ms,
            cost_usd=_cost(response),
        )

    async def aclose(self) -> None:
        """Nothing to release: pydantic-ai's shared HTTP clients are closed at exit."""


def _sent_key(ai_provider: OpenAIProvider | AnthropicProvider, given: str | None) -> str | None:
    """The key the SDK sends: the one given, or the one it read from the environment."""
    key = getattr(ai_provider.client, "api_key", None)
    return key if isinstance(key, str) and key else given


def openai_client(model: str, *, base_url: str | None, api_key: str | None, provider: str = "openai") -> RemoteClient:
    """An OpenAI-compatible server; ``base_url`` and ``api_key`` default to ``OPENAI_BASE_URL`` / ``OPENAI_API_KEY``."""
    from pydantic_ai.models.openai import OpenAIChatModel  # noqa: PLC0415 - see the module
    from pydantic_ai.providers.openai import OpenAIProvider  # noqa: PLC0415

    try:
        ai_provider = OpenAIProvider(base_url=base_url, api_key=api_key)
    except ai_errors.UserError as error:
        raise LLMError(
            EnumLLMFailure.AUTHENTICATION,
            f"{provider}:{model} needs an API key: set OPENAI_API_KEY (or llm_api_key), or a base URL "
            f"(OPENAI_BASE_URL or llm_base_url) for a server that needs none ({error.message})",
        ) from None
    identity = ProviderIdentity(provider=provider, model=model, endpoint=public_endpoint(ai_provider.base_url))
    return RemoteClient(OpenAIChatModel(model, provider=ai_provider), identity, _sent_key(ai_provider, api_key))


def anthropic_client(model: str, *, base_url: str | None, api_key: str | None) -> RemoteClient:
    """Anthropic (or a compatible endpoint); ``ANTHROPIC_API_KEY`` / ``ANTHROPIC_BASE_URL`` by default."""
    from pydantic_ai.models.anthropic import AnthropicModel  # noqa: PLC0415 - see the module
    from pydantic_ai.providers.anthropic import AnthropicProvider  # noqa: PLC0415

    try:
        ai_provider = AnthropicProvider(api_key=api_key, base_url=base_url)
    except ai_errors.UserError:
        raise LLMError(
            EnumLLMFailure.AUTHENTICATION,
            f"anthropic:{model} needs an API key: set ANTHROPIC_API_KEY (or llm_api_key)",
        ) from None
    identity = ProviderIdentity(provider="anthropic", model=model, endpoint=public_endpoint(ai_provider.base_url))
    return RemoteClient(AnthropicModel(model, provider=ai_provider), identity, _sent_key(ai_provider, api_key))


__all__ = ["RemoteClient", "anthropic_client", "openai_client", "public_endpoint"]
