"""The four node kinds share one execution wrapper and its metrics."""

import asyncio

import pytest

from nodegen.onex import (
    EnumCoreErrorCode,
    ModelContractCompute,
    ModelContractEffect,
    ModelContractOrchestrator,
    ModelContractReducer,
    ModelOnexError,
    NodeCompute,
    NodeEffect,
    NodeOrchestrator,
    NodeReducer,
)
from nodegen.onex.logging import current_correlation_id
from nodegen.onex.testing import create_test_container


class NodeEchoEffect(NodeEffect[dict]):
    async def _run(self, contract):
        if contract.input_state.get("boom"):
            raise RuntimeError("disk on fire")
        if contract.input_state.get("refuse"):
            raise ModelOnexError(error_code=EnumCoreErrorCode.INVALID_INPUT, message="refused")
        if "sleep" in contract.input_state:
            await asyncio.sleep(contract.input_state["sleep"])
        return {"echo": contract.input_state, "correlation_id": current_correlation_id()}


@pytest.fixture
def node():
    return NodeEchoEffect(create_test_container())


async def test_result_is_returned_and_counted(node):
    assert (await node.execute_effect(ModelContractEffect(input_state={"a": 1})))["echo"] == {"a": 1}
    metrics = node.get_metrics()
    assert (metrics["total_operations"], metrics["failed_operations"], metrics["success_rate"]) == (1, 0, 1.0)


async def test_correlation_id_is_bound_while_running(node):
    contract = ModelContractEffect(input_state={})
    assert (await node.execute_effect(contract))["correlation_id"] == str(contract.correlation_id)
    assert current_correlation_id() is None


async def test_unexpected_failure_becomes_operation_failed_with_its_cause(node):
    with pytest.raises(ModelOnexError) as caught:
        await node.execute_effect(ModelContractEffect(input_state={"boom": True}))
    assert caught.value.error_code == EnumCoreErrorCode.OPERATION_FAILED
    assert isinstance(caught.value.__cause__, RuntimeError)
    assert "disk on fire" in caught.value.message
    assert node.get_metrics()["failed_operations"] == 1


async def test_onex_errors_pass_through_unchanged(node):
    with pytest.raises(ModelOnexError) as caught:
        await node.execute_effect(ModelContractEffect(input_state={"refuse": True}))
    assert caught.value.error_code == EnumCoreErrorCode.INVALID_INPUT


async def test_success_rate_mean_and_p95(node):
    for _ in range(3):
        await node.execute_effect(ModelContractEffect(input_state={}))
    with pytest.raises(ModelOnexError):
        await node.execute_effect(ModelContractEffect(input_state={"boom": True}))
    await node.execute_effect(ModelContractEffect(input_state={"sleep": 0.05}))
    metrics = node.get_metrics()
    assert metrics["success_rate"] == 0.8
    assert metrics["p95_duration_ms"] >= 50
    assert 0 < metrics["avg_duration_ms"] < metrics["p95_duration_ms"]


async def test_a_mapping_is_validated_into_the_contract(node):
    assert (await node.execute_effect({"input_data": {"x": 1}}))["echo"] == {"x": 1}


async def test_an_invalid_mapping_is_a_validation_error(node):
    with pytest.raises(ModelOnexError) as caught:
        await node.execute_effect({"correlation_id": "not-a-uuid"})
    assert caught.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR


async def test_another_contract_kind_is_a_contract_violation(node):
    with pytest.raises(ModelOnexError) as caught:
        await node.execute_effect(ModelContractReducer(input_state={}))
    assert caught.value.error_code == EnumCoreErrorCode.CONTRACT_VIOLATION
    assert "ModelContractEffect" in caught.value.message


async def test_something_else_is_refused(node):
    with pytest.raises(ModelOnexError) as caught:
        await node.execute_effect(42)
    assert caught.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR


async def test_every_kind_has_its_entry_point():
    class C(NodeCompute[str]):
        async def _run(self, contract):
            return "compute"

    class R(NodeReducer[str]):
        async def _run(self, contract):
            return "reduce"

    class Orch(NodeOrchestrator[str]):
        async def _run(self, contract):
            return "orchestrate"

    container = create_test_container()
    assert await C(container).execute_compute(ModelContractCompute()) == "compute"
    assert await R(container).execute_reduction(ModelContractReducer()) == "reduce"
    assert await Orch(container).execute_orchestration(ModelContractOrchestrator()) == "orchestrate"


def test_a_node_without_run_cannot_be_built():
    class Incomplete(NodeEffect[str]):
        pass

    with pytest.raises(TypeError):
        Incomplete(create_test_container())


def test_nodes_only_read_config_through_get():
    calls = []

    class Config:
        def get(self, key, default):
            calls.append(key)
            return default

    class Container:
        config = Config()

        def get_service(self, name):
            return None

    from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0 import NodeCodegenStubExtractorEffect

    NodeCodegenStubExtractorEffect(Container())
    assert calls == ["stub_extraction_patterns", "stub_include_not_implemented"]
