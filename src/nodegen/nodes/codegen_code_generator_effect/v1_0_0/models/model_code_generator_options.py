"""The settings the code generator reads (names, types and defaults are the settings')."""

from __future__ import annotations

from typing import Literal

from .model_llm_client_options import ModelLLMClientOptions


class ModelCodeGeneratorOptions(ModelLLMClientOptions):
    """The provider and how it is called (``ModelLLMClientOptions``), the sampling, the prompt and answer limits,
    the repair loop and the run budget."""

    llm_temperature: float
    llm_retry_temperature: float
    llm_late_retry_temperature: float
    llm_seed: int
    llm_retry_style: Literal["auto", "repair", "resample"]
    llm_prompt_style: Literal["auto", "full", "plain"]
    llm_answer_start: Literal["auto", "methods", "off"]
    llm_max_output_tokens: int
    prompt_token_budget: int
    max_answer_chars: int
    max_attempts: int | None
    generation_candidates: int
    generation_concurrency: int
    store_prompt_texts: bool
