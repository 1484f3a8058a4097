"""The scaffold: prompt → requirements → rendered package, pure and deterministic."""

from __future__ import annotations

import ast

import pytest
import yaml

from nodegen.nodes.codegen_scaffold_compute.v1_0_0 import NodeCodegenScaffoldCompute
from nodegen.nodes.codegen_scaffold_compute.v1_0_0.models import EnumNodeKind
from nodegen.nodes.codegen_scaffold_compute.v1_0_0.requirements import analyse
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0 import NodeCodegenStubExtractorEffect
from nodegen.onex import EnumCoreErrorCode, ModelOnexError
from nodegen.onex.testing import create_test_container


async def scaffold(**state):
    return await NodeCodegenScaffoldCompute(create_test_container()).execute_compute({"input_state": state})


@pytest.mark.parametrize(
    ("prompt", "kind", "name"),
    [
        ("Generate a data processor effect node", EnumNodeKind.EFFECT, "DataProcessor"),
        ("Create a node that aggregates sales events", EnumNodeKind.REDUCER, "AggregatesSalesEvents"),
        (
            "Build a workflow that coordinates deployment steps",
            EnumNodeKind.ORCHESTRATOR,
            "WorkflowCoordinatesDeployment",
        ),
        ("calculate statistics of measurements", EnumNodeKind.COMPUTE, "CalculateStatisticsMeasurements"),
        ("fetch invoices from the billing API", EnumNodeKind.EFFECT, "FetchInvoicesBilling"),
        ("a reducer of orders, with retries and caching", EnumNodeKind.REDUCER, "Orders"),
    ],
)
def test_keyword_analysis_finds_the_kind_and_the_name(prompt, kind, name):
    requirements = analyse(prompt)
    assert (requirements.node_type, requirements.name) == (kind, name)
    assert requirements.class_name == f"Node{name}{kind.value.capitalize()}"
    assert requirements.source == "keywords"


def test_features_are_picked_up():
    assert analyse("a reducer of orders, with retries and caching").features == ["caching", "retries"]


async def test_the_package_has_every_file_and_they_parse():
    result = await scaffold(prompt="Generate a data processor effect node")
    paths = [f.path for f in result.files]
    root = "data_processor_effect/v1_0_0"
    assert result.package_dir == root
    for expected in (
        "node.py",
        "contract.yaml",
        "__init__.py",
        "README.md",
        "models/__init__.py",
        "models/model_data_processor_request.py",
        "models/model_data_processor_response.py",
        "tests/__init__.py",
        "tests/conftest.py",
        "tests/test_node.py",
    ):
        assert f"{root}/{expected}" in paths, expected
    for file in result.files:
        if file.path.endswith(".py"):
            ast.parse(file.content, file.path)
    contract = yaml.safe_load(next(f.content for f in result.files if f.path.endswith("contract.yaml")))
    assert contract["node_class"] == "NodeDataProcessorEffect" and contract["node_type"] == "effect"
    assert set(contract["input_state"]) == {"records", "drop_empty"} and contract["io_operations"]


@pytest.mark.parametrize("kind", list(EnumNodeKind))
async def test_each_kind_has_exactly_one_marked_stub_with_its_contract(kind):
    result = await scaffold(prompt="Generate a thing node", node_type=kind.value)
    node = next(f.content for f in result.files if f.path.endswith("/node.py"))
    extractor = NodeCodegenStubExtractorEffect(create_test_container())
    stubs = (await extractor.execute_effect({"input_state": {"node_file_content": node}})).stubs
    assert len(stubs) == 1 and stubs[0].docstring and stubs[0].marker_note
    # the business logic as a module-level function of plain values (what a small model writes well)
    assert "." not in stubs[0].qualified_name and stubs[0].name.startswith("_")
    assert f"{stubs[0].name}(request." in node  # the node's method calls it


async def test_type_and_name_override_the_prompt():
    result = await scaffold(prompt="Generate a data processor effect node", node_type="reducer", name="Ledger")
    assert result.requirements.class_name == "NodeLedgerReducer" and result.package_dir == "ledger_reducer/v1_0_0"


async def test_requirements_from_a_model_are_used_and_the_core_fields_kept():
    requirements = analyse("x").model_dump() | {
        "node_type": "effect",
        "name": "InvoiceFetcher",
        "service_name": "invoice_fetcher",
        "input_fields": [{"name": "account", "type": "str", "default": "default=''", "description": "Account id"}],
        "source": "llm",
    }
    result = await scaffold(prompt="fetch invoices", requirements=requirements)
    assert result.requirements.source == "llm" and result.requirements.class_name == "NodeInvoiceFetcherEffect"
    assert [f.name for f in result.requirements.input_fields] == ["records", "drop_empty", "account"]


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ({"prompt": ""}, "Missing required field: prompt"),
        ({"prompt": "x", "name": "my-node"}, "PascalCase"),
        ({"prompt": "x", "name": "class"}, "PascalCase"),
        ({"prompt": "x", "node_type": "gadget"}, "unknown node type"),
        ({"prompt": "x", "framework": "django"}, "unknown framework"),
    ],
)
async def test_bad_input_is_refused(state, message):
    with pytest.raises(ModelOnexError) as raised:
        await scaffold(**state)
    assert raised.value.error_code is EnumCoreErrorCode.VALIDATION_ERROR and message in raised.value.message


async def test_rendering_is_deterministic():
    first = await scaffold(prompt="Generate a data processor effect node")
    second = await scaffold(prompt="Generate a data processor effect node")
    assert first == second


@pytest.mark.parametrize("kind", list(EnumNodeKind))
async def test_each_kind_s_stub_carries_examples_its_reference_body_passes_and_a_wrong_one_fails(kind, tmp_path):
    # the stub's own examples are its spec: the examples check runs them on every fill
    from tests.support.scaffold_answers import BODIES

    from nodegen.nodes.codegen_code_validator_effect.v1_0_0 import NodeCodegenCodeValidatorEffect

    result = await scaffold(prompt="Generate a thing node", node_type=kind.value)
    for file in result.files:
        (tmp_path / file.path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / file.path).write_text(file.content)
    path = next(tmp_path / f.path for f in result.files if f.path.endswith("/node.py"))
    extractor = NodeCodegenStubExtractorEffect(create_test_container())
    (stub,) = (await extractor.execute_effect({"input_state": {"node_file_content": path.read_text()}})).stubs
    assert ">>> " in stub.docstring
    # a generous time limit: importing the node package in the sandbox is slow on a loaded machine
    validator = NodeCodegenCodeValidatorEffect(create_test_container({"validation_examples_timeout_s": 60.0}))

    async def check(code: str):
        target = {"source": path.read_text(), "qualified_name": stub.qualified_name}
        state = {"generated_code": code, "file_path": str(path), "target": target}
        return await validator.execute_effect({"input_state": state})

    right = await check(BODIES[stub.name])
    assert right.is_valid and "examples" in right.rule_timings_ms, right.feedback()
    wrong = await check(f"raise ValueError({stub.name!r})")
    assert "EXA001" in [f.code for f in wrong.errors], wrong.feedback()
