"""The ONEX v2.0 runtime nodegen's nodes are written against (no I/O, no third-party services).

Code written for ``omnibase_core`` runs against this package with its imports changed to ``nodegen.onex``.
"""

from nodegen.onex.container import ModelContainer, ModelContainerConfig, registered
from nodegen.onex.contracts import (
    EnumNodeType,
    ModelContractBase,
    ModelContractCompute,
    ModelContractEffect,
    ModelContractOrchestrator,
    ModelContractReducer,
)
from nodegen.onex.errors import EnumCoreErrorCode, ModelOnexError
from nodegen.onex.intents import EnumIntentType, MixinIntentPublisher, ModelIntent, ModelIntentBase, sort_intents
from nodegen.onex.logging import (
    EnumLogLevel,
    configure_logging,
    correlation_scope,
    emit_log_event,
    emit_log_event_sync,
)
from nodegen.onex.nodes import NodeBase, NodeCompute, NodeEffect, NodeOrchestrator, NodeReducer, TypedPort

__all__ = [
    "EnumCoreErrorCode",
    "EnumIntentType",
    "EnumLogLevel",
    "EnumNodeType",
    "MixinIntentPublisher",
    "ModelContainer",
    "ModelContainerConfig",
    "ModelContractBase",
    "ModelContractCompute",
    "ModelContractEffect",
    "ModelContractOrchestrator",
    "ModelContractReducer",
    "ModelIntent",
    "ModelIntentBase",
    "ModelOnexError",
    "NodeBase",
    "NodeCompute",
    "NodeEffect",
    "NodeOrchestrator",
    "NodeReducer",
    "TypedPort",
    "configure_logging",
    "correlation_scope",
    "emit_log_event",
    "emit_log_event_sync",
    "registered",
    "sort_intents",
]
