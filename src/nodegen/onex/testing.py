"""Helpers for tests of nodes: contracts in one call and a real container with the config and services you give.

Kept beside the runtime so that tests written against the original project (which imported these from its
``nodes.conftest``) keep working; ``nodegen.nodes.conftest`` re-exports them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from nodegen.onex.container import ModelContainer
from nodegen.onex.contracts import (
    ModelContractCompute,
    ModelContractEffect,
    ModelContractOrchestrator,
    ModelContractReducer,
)


def _fields(correlation_id: UUID | None, input_state: Mapping[str, Any] | None) -> dict[str, Any]:
    fields: dict[str, Any] = {"input_state": dict(input_state or {})}
    if correlation_id is not None:
        fields["correlation_id"] = correlation_id
    return fields


def create_test_contract_effect(
    correlation_id: UUID | None = None, input_state: Mapping[str, Any] | None = None
) -> ModelContractEffect:
    """An effect contract carrying ``input_state``."""
    return ModelContractEffect(**_fields(correlation_id, input_state))


def create_test_contract_compute(
    correlation_id: UUID | None = None, input_state: Mapping[str, Any] | None = None
) -> ModelContractCompute:
    """A compute contract carrying ``input_state``."""
    return ModelContractCompute(**_fields(correlation_id, input_state))


def create_test_contract_reducer(
    correlation_id: UUID | None = None, input_state: Mapping[str, Any] | None = None
) -> ModelContractReducer:
    """A reducer contract carrying ``input_state``."""
    return ModelContractReducer(**_fields(correlation_id, input_state))


def create_test_contract_orchestrator(
    correlation_id: UUID | None = None, input_state: Mapping[str, Any] | None = None
) -> ModelContractOrchestrator:
    """An orchestrator contract carrying ``input_state``."""
    return ModelContractOrchestrator(**_fields(correlation_id, input_state))


def create_test_container(
    config: Mapping[str, Any] | None = None, services: Mapping[str, Any] | None = None
) -> ModelContainer:
    """A real container answering ``config`` keys (others: the caller's default) and holding ``services``."""
    return ModelContainer.from_settings(None, overrides=config, services=services)


__all__ = [
    "create_test_container",
    "create_test_contract_compute",
    "create_test_contract_effect",
    "create_test_contract_orchestrator",
    "create_test_contract_reducer",
]
