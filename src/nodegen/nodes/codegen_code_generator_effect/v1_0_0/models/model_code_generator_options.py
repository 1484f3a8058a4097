"""The settings the code generator reads (names, types and defaults are the settings')."""

from __future__ import annotations

from typing import Literal

from pydantic import SecretStr

from nodegen.settings import NodeOptions


class ModelCodeGeneratorOptions(NodeOptions):
    """The provider and how it is called, the prompt and answer limits, the repair loop and the run budget."""

    llm: str
    llm_base_url: str | None
    llm_api_key: SecretStr | None
    llm_record: str | None
    llm_cache: bool
    llm_context_tokens: int
    llm_model_cache_dir: str | None
    llm_temperature: float
    llm_retry_temperature: float
    llm_late_retry_temperature: float
    llm_seed: int
    llm_retry_style: Literal["auto", "repair", "resample"]
    llm_prompt_style: Literal["auto", "full", "plain"]
    llm_answer_start: Literal["auto", "methods", "off"]
    llm_max_output_tokens: int
    llm_timeout_s: float
    llm_max_retries: int
    state_dir: str
    prompt_token_budget: int
    max_answer_chars: int
    max_attempts: int | None
    generation_candidates: int
    generation_concurrency: int
    max_tokens: int | None
    max_cost_usd: float | None
    store_prompt_texts: bool
