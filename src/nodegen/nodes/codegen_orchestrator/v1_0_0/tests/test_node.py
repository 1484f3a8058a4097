"""The orchestrator: the workflow over real nodes, failures kept local, intents executed in order, lifecycle events."""

from __future__ import annotations

from uuid import uuid4

import pytest
from tests.support.llm_server import Reply, ScriptedLLMServer

from nodegen.infra.bus import InProcessBus
from nodegen.llm import openai_client
from nodegen.nodes.codegen_metrics_reducer.v1_0_0.models import (
    ModelCodegenMetrics,
    ModelMetricsRecordedEvent,
    ModelMetricsSnapshot,
    ModelPersistMetricsIntent,
    ModelPublishMetrics,
    ModelPublishMetricsIntent,
)
from nodegen.nodes.codegen_orchestrator.v1_0_0 import NodeCodegenOrchestrator
from nodegen.nodes.codegen_orchestrator.v1_0_0.models import EnumStubStatus
from nodegen.nodes.codegen_store_effect.v1_0_0 import NodeCodegenStoreEffect
from nodegen.onex import EnumCoreErrorCode, ModelOnexError
from nodegen.onex.testing import create_test_container

GOOD = 'def double(x: int) -> int:\n    """Twice x."""\n    # IMPLEMENTATION REQUIRED\n    pass\n'
TWO = GOOD + '\n\ndef triple(x: int) -> int:\n    """Three times x."""\n    # IMPLEMENTATION REQUIRED\n    pass\n'


def answer(received):
    text = received.last_user_text
    if "whole function `double`" in text:  # the target, named last (the whole file comes first)
        return Reply(text="return 2 * x")
    if "whole function `triple`" in text:  # the target, named last (the whole file comes first)
        return Reply(text="return 3 * x")
    return Reply(text="pass")


@pytest.fixture
async def server():
    async with ScriptedLLMServer(answer) as running:
        yield running


def orchestrator(server, tmp_path, **config) -> tuple[NodeCodegenOrchestrator, InProcessBus]:
    bus = InProcessBus()
    client = openai_client("gpt-4o-mini", base_url=server.openai_url, api_key="sk-test")
    container = create_test_container(
        {"state_dir": str(tmp_path / ".nodegen"), "llm_max_retries": 0, **config},
        services={"llm_client": client, "event_bus": bus},
    )
    return NodeCodegenOrchestrator(container), bus


async def test_files_are_filled_and_lifecycle_events_published(server, tmp_path):
    (tmp_path / "a.py").write_text(TWO)
    node, bus = orchestrator(server, tmp_path)
    correlation = uuid4()
    result = await node.execute_orchestration(
        {"correlation_id": correlation, "input_state": {"files": [str(tmp_path)]}}
    )
    assert result.success and result.count(EnumStubStatus.FILLED) == 2
    assert result.modified_files == [str(tmp_path / "a.py")]
    assert "return 2 * x" in (tmp_path / "a.py").read_text() and "return 3 * x" in (tmp_path / "a.py").read_text()
    assert result.metrics is not None and result.metrics.stubs_filled == 2
    assert [i.intent_type for i in result.executed_intents] == ["persist_metrics", "publish_event"]
    types = [e.event_type for e in bus.published]
    assert types == ["generation_started", "stage_completed", "metrics_recorded", "generation_completed"]
    assert {e.correlation_id for e in bus.published} == {correlation}
    assert all(e.topic == f"onex.codegen.{e.event_type}.v1" for e in bus.published)
    assert result.total_duration_seconds > 0 and result.correlation_id == correlation


async def test_a_failing_stub_and_a_broken_file_do_not_stop_the_others(server, tmp_path):
    (tmp_path / "a.py").write_text(TWO.replace("triple", "quadruple"))
    (tmp_path / "broken.py").write_text("def f(:\n")
    node, _ = orchestrator(server, tmp_path, max_attempts=2)
    result = await node.execute_orchestration({"input_state": {"files": [str(tmp_path)]}})
    assert not result.success
    status = {s.qualified_name: s.status for s in result.stubs}
    assert status == {"double": EnumStubStatus.FILLED, "quadruple": EnumStubStatus.FAILED}
    broken = next(f for f in result.files if f.file_path.endswith("broken.py"))
    assert broken.error and "syntax error" in broken.error
    text = (tmp_path / "a.py").read_text()
    assert (
        "return 2 * x" in text
        and 'def quadruple(x: int) -> int:\n    """Three times x."""\n    # IMPLEMENTATION REQUIRED\n    pass' in text
    )


async def test_a_run_that_times_out_reports_the_unfinished_stubs(tmp_path):
    async with ScriptedLLMServer(lambda r: Reply(text="return 2 * x", delay_s=3)) as slow:
        (tmp_path / "a.py").write_text(GOOD)
        node, _ = orchestrator(slow, tmp_path, workflow_timeout_s=0.5)
        result = await node.execute_orchestration({"input_state": {"files": [str(tmp_path / "a.py")]}})
    assert not result.success and result.metrics is None
    (stub,) = result.stubs
    assert stub.status is EnumStubStatus.SKIPPED and "timed out" in stub.message
    assert (tmp_path / "a.py").read_text() == GOOD


async def test_intents_run_in_priority_order_and_failures_are_recorded(server, tmp_path, monkeypatch):
    node, bus = orchestrator(server, tmp_path)
    store = NodeCodegenStoreEffect(create_test_container({"state_dir": str(tmp_path / ".nodegen")}))
    metrics = ModelCodegenMetrics()
    event = ModelMetricsRecordedEvent(correlation_id="run", timestamp="2026-12-07T00:00:00+00:00", metrics=metrics)
    intents = [
        ModelPublishMetricsIntent(priority=3, payload=ModelPublishMetrics(topic="onex.codegen.x.v1", key="k", event=event)),
        ModelPublishMetricsIntent(priority=9, payload=ModelPublishMetrics(topic="onex.codegen.down.v1", key="k", event=event)),
        ModelPersistMetricsIntent(priority=10, payload=ModelMetricsSnapshot(metrics=metrics)),
    ]
    publish = bus.publish

    async def down_for_one_topic(envelope):
        if envelope.topic == "onex.codegen.down.v1":
            raise ModelOnexError(error_code=EnumCoreErrorCode.EVENT_BUS_ERROR, message="the broker is down")
        await publish(envelope)

    monkeypatch.setattr(bus, "publish", down_for_one_topic)
    executed = await node._execute_intents(intents, store, bus)
    await store.aclose()
    assert [e.priority for e in executed] == [10, 9, 3]
    assert [e.success for e in executed] == [True, False, True], executed
    assert executed[1].error == "the broker is down" and executed[0].target == "store_effect"
    assert bus.published[-1].payload == event.model_dump(mode="json")


async def test_no_files_and_no_prompt_is_a_validation_error(server, tmp_path):
    node, _ = orchestrator(server, tmp_path)
    with pytest.raises(ModelOnexError) as raised:
        await node.execute_orchestration({"input_state": {}})
    assert raised.value.error_code is EnumCoreErrorCode.VALIDATION_ERROR


async def test_the_guides_integration_case_generates_a_working_node(tmp_path):
    from tests.support.scaffold_answers import scaffold_responder

    async with ScriptedLLMServer(scaffold_responder) as scripted:
        node, _ = orchestrator(scripted, tmp_path)
        result = await node.execute_orchestration(
            {
                "input_state": {
                    "prompt": "Generate a data processor effect node",
                    "output_directory": str(tmp_path / "out"),
                }
            }
        )
    assert len(result.generated_files) >= 3
    assert result.total_duration_seconds < 60
    assert result.success and result.scaffold is not None and result.scaffold.tests is not None
    assert result.scaffold.tests.passed and result.scaffold.check_errors == []
    assert result.scaffold.spec_stage.written_by == "openai:gpt-4o-mini" and result.scaffold.spec is not None
    assert (tmp_path / "out" / "data_processor_effect" / "v1_0_0" / "node.py").is_file()
