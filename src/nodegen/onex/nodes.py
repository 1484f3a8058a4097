"""The four node kinds and the bookkeeping they share.

A node subclasses one of :class:`NodeEffect`, :class:`NodeCompute`, :class:`NodeReducer` or
:class:`NodeOrchestrator` and implements ``_run(contract)``. nodegen's own nodes also have a typed port,
``await node.run(request)`` with the node's request model, which they implement as ``_handle(request)``; their
``_run`` is then only the original API's adapter (``input_state`` validated into the request model, whose
validators hold the input checks). Both entry points (the typed ``run`` and the original ``execute_effect``,
``execute_compute``, ``execute_reduction``, ``execute_orchestration``) are wrapped once for every node
(``_guarded``):

- accepts the matching contract (or a plain mapping, validated into it); another contract kind is refused with
  ``CONTRACT_VIOLATION``;
- binds the correlation id to every log line emitted while it runs;
- times the operation and records it in :meth:`NodeBase.get_metrics` (total, failed, success rate, mean and p95
  duration) so no node re-writes that bookkeeping;
- lets ``ModelOnexError`` through unchanged and turns any other exception into ``OPERATION_FAILED`` with the cause
  attached.
"""

from __future__ import annotations

import math
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, ClassVar, Generic, TypeVar, cast
from uuid import UUID, uuid4

from pydantic import BaseModel, ValidationError

from nodegen.onex.container import ModelContainer
from nodegen.onex.contracts import (
    EnumNodeType,
    ModelContractBase,
    ModelContractCompute,
    ModelContractEffect,
    ModelContractOrchestrator,
    ModelContractReducer,
)
from nodegen.onex.errors import EnumCoreErrorCode, ModelOnexError
from nodegen.onex.logging import EnumLogLevel, correlation_scope, emit_log_event

ContractT = TypeVar("ContractT", bound=ModelContractBase)
OutputT = TypeVar("OutputT")
RequestT = TypeVar("RequestT", bound=BaseModel)
_T = TypeVar("_T")

_DURATION_WINDOW = 1024


class OperationStats:
    """Counts and durations of a node's operations (durations of the last 1,024 kept for the percentile)."""

    def __init__(self) -> None:
        self.total = 0
        self.failed = 0
        self.total_duration_ms = 0.0
        self._recent: deque[float] = deque(maxlen=_DURATION_WINDOW)

    def record(self, duration_ms: float, *, succeeded: bool) -> None:
        """Count one operation."""
        self.total += 1
        if not succeeded:
            self.failed += 1
        self.total_duration_ms += duration_ms
        self._recent.append(duration_ms)

    def snapshot(self) -> dict[str, Any]:
        """The guide's metric keys plus success rate and duration statistics."""
        return {
            "total_operations": self.total,
            "successful_operations": self.total - self.failed,
            "failed_operations": self.failed,
            "success_rate": round((self.total - self.failed) / self.total, 4) if self.total else 1.0,
            "avg_duration_ms": round(self.total_duration_ms / self.total, 3) if self.total else 0.0,
            "p95_duration_ms": round(_percentile(sorted(self._recent), 0.95), 3),
        }


def _percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list (0.0 when empty)."""
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


class NodeBase(ABC, Generic[ContractT, OutputT]):
    """Construction from a container, the shared execution wrapper, and metrics."""

    node_type: ClassVar[EnumNodeType]
    contract_type: ClassVar[type[ModelContractBase]]

    def __init__(self, container: ModelContainer) -> None:
        self.container = container
        self.node_id: UUID = uuid4()
        self._stats = OperationStats()

    @abstractmethod
    async def _run(self, contract: ContractT) -> OutputT:
        """The node's own work for one contract."""

    def get_metrics(self) -> dict[str, Any]:
        """Operation metrics shared by all nodes, plus the node's own keys."""
        metrics = self._stats.snapshot()
        metrics.update(self._node_metrics())
        return metrics

    def _node_metrics(self) -> dict[str, Any]:
        """Node-specific metric keys; override to add some."""
        return {}

    async def _execute(self, contract: ModelContractBase | Mapping[str, Any]) -> OutputT:
        typed = self._coerce_contract(contract)
        return await self._guarded(typed.correlation_id, lambda: self._run(typed))

    async def _guarded(self, correlation_id: UUID, work: Callable[[], Awaitable[_T]]) -> _T:
        """``work()`` with the correlation id bound to its logs, timed into the metrics, a ``ModelOnexError``
        let through and any other exception turned into ``OPERATION_FAILED`` with its cause."""
        started = time.perf_counter()
        succeeded = False
        with correlation_scope(correlation_id):
            try:
                result = await work()
                succeeded = True
                return result
            except ModelOnexError as error:
                emit_log_event(
                    EnumLogLevel.DEBUG,
                    f"{type(self).__name__} refused the request: {error.message}",
                    {"node_id": str(self.node_id), "error_code": error.error_code.value},
                )
                raise
            except Exception as error:
                emit_log_event(
                    EnumLogLevel.ERROR,
                    f"{type(self).__name__} failed unexpectedly: {type(error).__name__}: {error}",
                    {"node_id": str(self.node_id)},
                )
                raise ModelOnexError(
                    error_code=EnumCoreErrorCode.OPERATION_FAILED,
                    message=f"{type(self).__name__} failed: {type(error).__name__}: {error}",
                    cause=error,
                    node_id=str(self.node_id),
                    correlation_id=str(correlation_id),
                ) from error
            finally:
                self._stats.record((time.perf_counter() - started) * 1000.0, succeeded=succeeded)

    def _coerce_contract(self, contract: ModelContractBase | Mapping[str, Any]) -> ContractT:
        expected = self.contract_type
        if isinstance(contract, expected):
            return contract  # type: ignore[return-value]
        if isinstance(contract, ModelContractBase):
            self._stats.record(0.0, succeeded=False)
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.CONTRACT_VIOLATION,
                message=(
                    f"{type(self).__name__} is a {self.node_type.value} node and takes {expected.__name__}, "
                    f"not {type(contract).__name__}"
                ),
            )
        if isinstance(contract, Mapping):
            try:
                return expected.model_validate(dict(contract))  # type: ignore[return-value]
            except ValidationError as error:
                self._stats.record(0.0, succeeded=False)
                raise ModelOnexError(
                    error_code=EnumCoreErrorCode.VALIDATION_ERROR,
                    message=f"invalid {expected.__name__}: {error.errors()[0]['msg']}",
                    cause=error,
                ) from error
        self._stats.record(0.0, succeeded=False)
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.VALIDATION_ERROR,
            message=f"{type(self).__name__} takes {expected.__name__}, got {type(contract).__name__}",
        )


class TypedPort(NodeBase[ContractT, OutputT], Generic[ContractT, RequestT, OutputT]):
    """The typed entry of a nodegen node: ``await node.run(request)`` with its request model (no dict, no second
    validation). Mixed in after the node's kind (``class NodeX(NodeEffect[Out], TypedPort[ModelContractEffect, In,
    Out])``); the original API's entry point reaches the same ``_handle`` through ``_run``, which only validates
    ``input_state`` into ``request_type``."""

    request_type: ClassVar[type[BaseModel]]

    async def run(self, request: RequestT, *, correlation_id: UUID | None = None) -> OutputT:
        """The node's work for ``request`` (``correlation_id`` ties its logs and events to a run)."""
        run_id = correlation_id or uuid4()
        return await self._guarded(run_id, lambda: self._handle(request, run_id))

    @abstractmethod
    async def _handle(self, request: RequestT, correlation_id: UUID) -> OutputT:
        """The node's own work for one request of the run ``correlation_id``."""

    async def _run(self, contract: ContractT) -> OutputT:
        return await self._handle(cast(RequestT, contract.input_as(self.request_type)), contract.correlation_id)


class NodeEffect(NodeBase[ModelContractEffect, OutputT]):
    """A node that does I/O (files, network, databases, LLM calls)."""

    node_type = EnumNodeType.EFFECT
    contract_type = ModelContractEffect

    async def execute_effect(self, contract: ModelContractEffect | Mapping[str, Any]) -> OutputT:
        """Run the effect for ``contract``."""
        return await self._execute(contract)


class NodeCompute(NodeBase[ModelContractCompute, OutputT]):
    """A node that transforms its input without I/O."""

    node_type = EnumNodeType.COMPUTE
    contract_type = ModelContractCompute

    async def execute_compute(self, contract: ModelContractCompute | Mapping[str, Any]) -> OutputT:
        """Run the computation for ``contract``."""
        return await self._execute(contract)


class NodeReducer(NodeBase[ModelContractReducer, OutputT]):
    """A pure node that aggregates its input and returns intents instead of doing I/O."""

    node_type = EnumNodeType.REDUCER
    contract_type = ModelContractReducer

    async def execute_reduction(self, contract: ModelContractReducer | Mapping[str, Any]) -> OutputT:
        """Run the reduction for ``contract``."""
        return await self._execute(contract)


class NodeOrchestrator(NodeBase[ModelContractOrchestrator, OutputT]):
    """A node that coordinates others: runs a workflow and executes the intents it yields."""

    node_type = EnumNodeType.ORCHESTRATOR
    contract_type = ModelContractOrchestrator

    async def execute_orchestration(self, contract: ModelContractOrchestrator | Mapping[str, Any]) -> OutputT:
        """Run the orchestration for ``contract``."""
        return await self._execute(contract)


__all__ = ["NodeBase", "NodeCompute", "NodeEffect", "NodeOrchestrator", "NodeReducer", "OperationStats", "TypedPort"]
