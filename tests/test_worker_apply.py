"""A worker's result is written into the submitting machine's file by the same rule as a local fill: a stub is
``filled`` only when its code stands in the file read back; otherwise it says why, as a local fill would."""

from __future__ import annotations

import hashlib
from uuid import uuid4

from nodegen.nodes.codegen_code_generator_effect.v1_0_0.models import EnumAttemptOutcome
from nodegen.nodes.codegen_code_injector_effect.v1_0_0 import NodeCodegenCodeInjectorEffect
from nodegen.nodes.codegen_metrics_reducer.v1_0_0 import NodeCodegenMetricsReducer
from nodegen.nodes.codegen_metrics_reducer.v1_0_0.models import ModelMetricsReductionRequest
from nodegen.nodes.codegen_orchestrator.v1_0_0.models import (
    EnumStubStatus,
    ModelCodegenOrchestrationResult,
    ModelFileOutcome,
    ModelStubOutcome,
)
from nodegen.onex.testing import create_test_container
from nodegen.worker.apply import apply_result, not_written_events
from nodegen.worker.models import EnumFillStatus, ModelFillResult

SOURCE = "def double(x: int) -> int:\n    '''Twice x.'''\n    pass  # IMPLEMENTATION REQUIRED\n"


def _result(code: str) -> ModelFillResult:
    stub = ModelStubOutcome(
        file_path="m.py",
        qualified_name="double",
        line_number=1,
        status=EnumStubStatus.FILLED,
        message="filled",
        attempts=1,
        generated_code=code,
    )
    run = ModelCodegenOrchestrationResult(
        success=True, correlation_id=uuid4(), files=[ModelFileOutcome(file_path="m.py")], stubs=[stub]
    )
    return ModelFillResult(
        request_id=uuid4(),
        correlation_id=run.correlation_id,
        path="m.py",
        content_sha256=hashlib.sha256(SOURCE.encode()).hexdigest(),
        status=EnumFillStatus.COMPLETED,
        result=run,
    )


async def test_the_code_is_filled_when_it_stands_in_the_file_read_back(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(SOURCE)
    injector = NodeCodegenCodeInjectorEffect(create_test_container())
    applied = await apply_result(
        _result("return x * 2"), local_path=str(path), text=SOURCE, dry_run=False, injector=injector
    )
    assert [stub.status for stub in applied.stubs] == [EnumStubStatus.FILLED]
    assert applied.file.written_to == str(path) and "return x * 2" in path.read_text()


async def test_a_file_changed_meanwhile_is_not_written_and_the_stub_says_so_as_a_local_fill_would(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(SOURCE + "# edited meanwhile\n")
    injector = NodeCodegenCodeInjectorEffect(create_test_container())
    applied = await apply_result(
        _result("return x * 2"), local_path=str(path), text=SOURCE, dry_run=False, injector=injector
    )
    (stub,) = applied.stubs
    assert stub.status is EnumStubStatus.FAILED and applied.file.error and applied.file.written_to is None
    assert stub.message.startswith("valid code, but the file was not written: ")
    assert "stubs[].generated_code" in stub.message and stub.generated_code == "return x * 2"
    assert path.read_text() == SOURCE + "# edited meanwhile\n"


async def test_a_stub_the_local_file_did_not_take_is_not_counted_filled_by_the_runs_metrics(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(SOURCE + "# edited meanwhile\n")
    result = _result("return x * 2")
    injector = NodeCodegenCodeInjectorEffect(create_test_container())
    applied = await apply_result(result, local_path=str(path), text=SOURCE, dry_run=False, injector=injector)
    attempt = {
        "event_id": str(uuid4()),
        "timestamp": "2026-12-07T01:00:00+00:00",
        "file_path": "m.py",
        "qualified_name": "double",
        "attempt": 1,
        "provider": "openai",
        "model": "gpt-4o-mini",
        "outcome": "valid",
        "prompt_hash": "a" * 64,
        "prompt_tokens": 50,
        "cost_usd": 0.01,
    }
    (event,) = not_written_events({"r": applied}, {"r": result}, [attempt])
    assert event.outcome is EnumAttemptOutcome.NOT_WRITTEN and event.qualified_name == "double"
    assert (event.prompt_tokens, event.cost_usd) == (0, 0) and "file was not written" in (event.message or "")
    reduced = await NodeCodegenMetricsReducer(create_test_container()).run(
        ModelMetricsReductionRequest(events=[attempt, event])
    )
    assert reduced.metrics.stubs_filled == 0
    assert not_written_events({"r": applied}, {"r": result}, []) == []  # no attempt of it: nothing to follow
