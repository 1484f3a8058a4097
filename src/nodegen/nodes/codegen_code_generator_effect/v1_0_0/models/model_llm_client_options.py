"""The settings a model client is built and called with, and the run's budget (names, types and defaults are the
settings'): read by the generator and by the spec stage of `nodegen new`."""

from __future__ import annotations

from pydantic import SecretStr

from nodegen.settings import NodeOptions


class ModelLLMClientOptions(NodeOptions):
    """The provider (what ``llm.client_from_settings`` builds it from), how it is called, and the run's budget."""

    llm: str
    llm_base_url: str | None
    llm_api_key: SecretStr | None
    llm_record: str | None
    llm_cache: bool
    llm_context_tokens: int
    llm_model_cache_dir: str | None
    llm_timeout_s: float
    llm_max_retries: int
    state_dir: str
    max_tokens: int | None
    max_cost_usd: float | None
