"""The settings the spec stage of `nodegen new` asks the model with (names, types and defaults are the settings')."""

from __future__ import annotations

from nodegen.nodes.codegen_code_generator_effect.v1_0_0.models.model_llm_client_options import ModelLLMClientOptions


class ModelSpecLLMOptions(ModelLLMClientOptions):
    """The provider, how it is called, and the run's budget; read from the run's container, so a request's ``--llm``
    and limits apply."""
