"""The services nodegen's nodes share, as one typed object (``NodegenServices``), read once from a node's container.

The original API registers services by name on the container (its ``get_service``, which a test container may
answer with ``None`` for every name); nodegen's own code never asks by name: it reads ``NodegenServices.of
(container)``, checked by type, and hands a run's services on with ``registry()``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from nodegen.onex import EnumCoreErrorCode, ModelContainer, ModelOnexError, registered

if TYPE_CHECKING:
    from nodegen.infra.bus import EventBus
    from nodegen.infra.outbox import OutboxRelay
    from nodegen.infra.store_base import CodegenStore
    from nodegen.llm import LLMClient, RunBudget
    from nodegen.nodes.codegen_code_validator_effect.v1_0_0 import NodeCodegenCodeValidatorEffect

ProgressCallback = Callable[[Any], Awaitable[None] | None]


@dataclass(frozen=True, slots=True)
class NodegenServices:
    """Every service a node may be given; each None means the node uses its built-in default."""

    llm_client: LLMClient | None = None  # default: built from the llm* settings
    llm_budget: RunBudget | None = None  # a budget shared by a whole run (max_tokens, max_cost_usd)
    code_validator: NodeCodegenCodeValidatorEffect | None = None  # one validator for the workflow and the generator
    codegen_store: CodegenStore | None = None  # default: opened from database_url / state_dir
    event_bus: EventBus | OutboxRelay | None = None  # default: Kafka through the outbox, or in-process
    progress: ProgressCallback | None = None  # called with each streamed workflow event

    @classmethod
    def of(cls, container: ModelContainer) -> NodegenServices:
        """The services ``container`` holds, each checked to be what its name promises."""
        found = registered(container, [field.name for field in fields(cls)])
        expected = _expected()
        for name, value in found.items():
            if value is None:
                continue
            kinds, what = expected[name]
            if not (callable(value) if kinds is None else isinstance(value, kinds)):
                raise ModelOnexError(
                    error_code=EnumCoreErrorCode.INVALID_CONFIGURATION,
                    message=f"the {name} service is a {type(value).__name__}, not {what}",
                )
        return cls(**found)

    def budget_or(self, *, max_tokens: int | None, max_cost_usd: float | None) -> RunBudget:
        """The budget shared by the whole run when one was given, else one with these limits."""
        from nodegen.llm import RunBudget  # noqa: PLC0415 - see _expected

        if self.llm_budget is not None:
            return self.llm_budget
        return RunBudget(max_tokens=max_tokens, max_cost_usd=max_cost_usd)

    def registry(self) -> dict[str, Any]:
        """The services given, by name, to register on another container (a run's own)."""
        found = {field.name: getattr(self, field.name) for field in fields(self)}  # as they are: no copies
        return {name: value for name, value in found.items() if value is not None}


def _expected() -> dict[str, tuple[type | tuple[type, ...] | None, str]]:
    """Each service's kinds (None: any function) and how a message names it."""
    # imported when services are read, not when this module is: the nodes import it
    from nodegen.infra.bus import EventBus  # noqa: PLC0415
    from nodegen.infra.outbox import OutboxRelay  # noqa: PLC0415
    from nodegen.infra.store_base import CodegenStore  # noqa: PLC0415
    from nodegen.llm import LLMClient, RunBudget  # noqa: PLC0415
    from nodegen.nodes.codegen_code_validator_effect.v1_0_0 import NodeCodegenCodeValidatorEffect  # noqa: PLC0415

    return {
        "llm_client": (LLMClient, "an LLM client"),
        "llm_budget": (RunBudget, "a run budget"),
        "code_validator": (NodeCodegenCodeValidatorEffect, "a code validator node"),
        "codegen_store": (CodegenStore, "a codegen store"),
        "event_bus": ((EventBus, OutboxRelay), "an event bus"),
        "progress": (None, "a function"),
    }


__all__ = ["NodegenServices", "ProgressCallback"]
