"""The settings the spec stage of `nodegen new` asks the model with (names, types and defaults are the settings')."""

from __future__ import annotations

from pydantic import SecretStr

from nodegen.settings import NodeOptions


class ModelSpecLLMOptions(NodeOptions):
    """The provider (what ``llm.client_from_settings`` builds it from), how it is called, and the run's budget; read
    from the run's container, so a request's ``--llm`` and limits apply."""

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
