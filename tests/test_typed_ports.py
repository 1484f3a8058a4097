"""Typed ports: nodegen's nodes are called with their request models (``await node.run(request)``); the original
API's ``execute_*`` with a dict is an adapter onto the same work, with the same bookkeeping and messages."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path
from uuid import uuid4

import pytest
from pydantic import BaseModel, ValidationError

import nodegen.nodes
from nodegen.nodes.codegen_code_validator_effect.v1_0_0 import NodeCodegenCodeValidatorEffect
from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import EnumValidationRule, ModelCodeValidationRequest
from nodegen.nodes.codegen_metrics_reducer.v1_0_0 import NodeCodegenMetricsReducer
from nodegen.nodes.codegen_metrics_reducer.v1_0_0.models import ModelMetricsReductionRequest
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0 import NodeCodegenStubExtractorEffect
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.models import ModelStubExtractionRequest
from nodegen.onex import EnumCoreErrorCode, ModelOnexError, NodeBase, TypedPort
from nodegen.onex.testing import create_test_container

STUB = "def f(x: int) -> int:\n    '''Double.'''\n    pass  # IMPLEMENTATION REQUIRED\n"


def _node_classes() -> dict[str, type[NodeBase]]:
    import importlib
    import pkgutil

    found = {}
    for info in pkgutil.iter_modules(nodegen.nodes.__path__):
        if not info.ispkg:
            continue
        package = importlib.import_module(f"nodegen.nodes.{info.name}.v1_0_0")
        for name in package.__all__:  # the package exports its node on first use
            value = getattr(package, name)
            if inspect.isclass(value) and issubclass(value, NodeBase) and name.startswith("Node"):
                found[name] = value
    return found


def test_every_node_has_a_typed_port_with_a_request_model():
    classes = _node_classes()
    assert len(classes) == 8
    for name, cls in classes.items():
        assert issubclass(cls, TypedPort) and issubclass(cls.request_type, BaseModel), name


def test_no_node_is_called_with_a_dict_inside_nodegen():
    """In-process, nodes are called through their typed ports; ``execute_*`` is the original API's adapter."""
    src = Path(__file__).resolve().parents[1] / "src" / "nodegen"
    calls = []
    for path in src.rglob("*.py"):
        if "tests" in path.relative_to(src).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = node.func.attr if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) else ""
            if called.startswith("execute_") and called != "execute_scan":
                calls.append(f"{path.relative_to(src)}:{node.lineno} {called}")
    assert calls == []


async def test_the_typed_port_and_the_dict_adapter_share_the_work_and_the_metrics():
    node = NodeCodegenStubExtractorEffect(create_test_container())
    typed = await node.run(ModelStubExtractionRequest(node_file_content=STUB))
    loose = await node.execute_effect({"input_state": {"node_file_content": STUB}})
    assert [s.qualified_name for s in typed.stubs] == [s.qualified_name for s in loose.stubs] == ["f"]
    metrics = node.get_metrics()
    assert (metrics["total_operations"], metrics["total_extractions"], metrics["total_stubs_found"]) == (2, 2, 2)


async def test_a_refusal_keeps_its_code_and_is_counted_as_a_failure():
    node = NodeCodegenStubExtractorEffect(create_test_container())
    with pytest.raises(ModelOnexError) as refused:
        await node.run(ModelStubExtractionRequest(node_file_content="def f(:\n"))
    assert refused.value.error_code is EnumCoreErrorCode.VALIDATION_ERROR and "syntax error" in refused.value.message
    assert node.get_metrics()["failed_operations"] == 1


async def test_an_unexpected_failure_is_operation_failed_with_its_cause(monkeypatch):
    node = NodeCodegenCodeValidatorEffect(create_test_container())

    async def broken(request, options):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("nodegen.nodes.codegen_code_validator_effect.v1_0_0.node.validate", broken)
    with pytest.raises(ModelOnexError) as failed:
        await node.run(
            ModelCodeValidationRequest(generated_code="x = 1\n", validation_rules=[EnumValidationRule.SYNTAX])
        )
    assert failed.value.error_code is EnumCoreErrorCode.OPERATION_FAILED
    assert isinstance(failed.value.__cause__, RuntimeError) and node.get_metrics()["failed_operations"] == 1


async def test_the_run_id_reaches_what_the_node_makes():
    run_id = uuid4()
    output = await NodeCodegenMetricsReducer(create_test_container()).run(
        ModelMetricsReductionRequest(events=[]), correlation_id=run_id
    )
    assert output.intents and {intent.correlation_id for intent in output.intents} == {run_id}


@pytest.mark.parametrize(
    ("node_class", "input_state", "message"),
    [
        (NodeCodegenCodeValidatorEffect, {}, "Missing required field: generated_code (the code to check)"),
        (
            NodeCodegenCodeValidatorEffect,
            {"generated_code": "x = '\x00'"},
            "generated_code holds a NUL byte (line 1): it is binary data, not Python source",
        ),
        (
            NodeCodegenStubExtractorEffect,
            {"node_file_content": ""},
            "Missing required field: node_file_content (the Python source to scan) is missing or empty",
        ),
        (
            NodeCodegenStubExtractorEffect,
            {"node_file_content": "x = '\x00'"},
            "node_file_content holds a NUL byte (line 1): it is binary data, not Python source",
        ),
        (
            NodeCodegenStubExtractorEffect,
            {"node_file_content": 3},
            "node_file_content must be text (str or bytes), not int",
        ),
        (
            NodeCodegenStubExtractorEffect,
            {"node_file_content": STUB, "extraction_patterns": []},
            "extraction_patterns is empty: give at least one marker, or leave it out for the defaults",
        ),
        (
            NodeCodegenMetricsReducer,
            {"events": "not events"},
            "Missing required field: events (a list or stream of generation events)",
        ),
        (NodeCodegenMetricsReducer, {}, "Missing required field: events (a list or stream of generation events)"),
        (
            NodeCodegenStubExtractorEffect,
            {},
            "Missing required field: node_file_content (the Python source to scan) is missing or empty",
        ),
        (
            NodeCodegenMetricsReducer,
            {"events": [], "window_seconds": True},
            "window_seconds must be a whole number of seconds >= 1, got True",
        ),
    ],
)
async def test_the_input_checks_live_on_the_request_models_and_read_as_before(node_class, input_state, message):
    node = node_class(create_test_container())
    entry = getattr(node, "execute_effect", None) or node.execute_reduction
    with pytest.raises(ModelOnexError) as refused:
        await entry({"input_state": input_state})
    assert refused.value.error_code is EnumCoreErrorCode.VALIDATION_ERROR and refused.value.message == message
    with pytest.raises(ValidationError, match=re.escape(message.split(":")[0])):
        node.request_type.model_validate(input_state)
