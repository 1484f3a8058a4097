"""The workflow's shape: validation is its own step (the validator node checks every attempt), a repair goes back
to the generator with the findings, and what is streamed names its stub by a typed reference."""

from __future__ import annotations

from pathlib import Path

from tests.support.llm_server import Reply, ScriptedLLMServer
from workflows.events import Event
from workflows.utils import get_steps_from_class

from nodegen.llm import openai_client
from nodegen.nodes.codegen_code_validator_effect.v1_0_0 import NodeCodegenCodeValidatorEffect
from nodegen.nodes.codegen_orchestrator.v1_0_0 import NodeCodegenOrchestrator
from nodegen.nodes.codegen_orchestrator.v1_0_0.events import (
    CodeGeneratedEvent,
    CodeInjectedEvent,
    CodeValidatedEvent,
    GenerateCodeEvent,
    InjectCodeEvent,
    StubFinishedEvent,
)
from nodegen.nodes.codegen_orchestrator.v1_0_0.models import EnumStubStatus, ModelStubRef
from nodegen.nodes.codegen_orchestrator.v1_0_0.workflow import CodeGenerationWorkflow
from nodegen.onex.testing import create_test_container

SOURCE = 'def double(x: int) -> int:\n    """Twice x."""\n    # IMPLEMENTATION REQUIRED\n    pass\n'


def test_validation_is_a_step_of_its_own_between_generation_and_injection() -> None:
    routes = {
        name: (set(function._step_config.accepted_events), set(function._step_config.return_types))
        for name, function in get_steps_from_class(CodeGenerationWorkflow).items()
    }
    assert routes["generate_code"] == ({GenerateCodeEvent}, {CodeGeneratedEvent, StubFinishedEvent})
    # every verdict goes back to the generator's port, which finishes the stub (valid code, no attempt left) or
    # makes the next attempt with the findings (a repair): one owner of the loop's rules
    assert routes["validate_code"] == ({CodeGeneratedEvent}, {GenerateCodeEvent})
    assert routes["finish_stub"] == ({StubFinishedEvent}, {InjectCodeEvent})


async def test_every_attempt_is_validated_by_the_validator_step_and_a_repair_carries_the_findings(
    tmp_path: Path,
) -> None:
    (tmp_path / "mod.py").write_text(SOURCE)
    streamed: list[Event] = []
    answers = iter([Reply(text="pass"), Reply(text="return 2 * x")])
    async with ScriptedLLMServer(lambda received: next(answers)) as server:
        client = openai_client("gpt-4o-mini", base_url=server.openai_url, api_key="sk-test")
        config = {"state_dir": str(tmp_path / ".nodegen"), "llm_max_retries": 0, "max_attempts": 3}
        validator = NodeCodegenCodeValidatorEffect(create_test_container(config))
        container = create_test_container(
            config, services={"llm_client": client, "code_validator": validator, "progress": streamed.append}
        )
        result = await NodeCodegenOrchestrator(container).execute_orchestration(
            {"input_state": {"files": [str(tmp_path / "mod.py")]}}
        )
        requests = server.requests
    (stub,) = result.stubs
    assert stub.status is EnumStubStatus.FILLED and stub.attempts == 2
    assert validator.get_metrics()["total_validations"] == 2  # the workflow's step validated both attempts
    assert "LAZY001" in requests[1].last_user_text  # the repair was asked with the first attempt's findings
    (validated,) = [event for event in streamed if isinstance(event, CodeValidatedEvent)]
    assert validated.stub == ModelStubRef(file_path=str(tmp_path / "mod.py"), qualified_name="double", line_number=1)
    assert (validated.file_path, validated.qualified_name, validated.success) == (stub.file_path, "double", True)
    (injected,) = [event for event in streamed if isinstance(event, CodeInjectedEvent)]
    assert injected.outcome.stubs_filled == 1 and "return 2 * x" in (tmp_path / "mod.py").read_text()
