"""The generator's port: one attempt per call, an immutable conversation in and the next one out, the verdict on the
previous attempt recorded before the next call (the fill workflow drives the loop: tests/support/fill_loop.py)."""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import ValidationError
from tests.support.llm_server import Reply, ScriptedLLMServer

from nodegen.nodes.codegen_code_generator_effect.v1_0_0 import (
    ModelAttemptVerdict,
    ModelCodeGenerationRequest,
    NodeCodegenCodeGeneratorEffect,
    StubConversation,
)
from nodegen.nodes.codegen_code_generator_effect.v1_0_0.models import EnumAttemptOutcome, EnumStopReason
from nodegen.nodes.codegen_code_validator_effect.v1_0_0 import NodeCodegenCodeValidatorEffect
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0 import NodeCodegenStubExtractorEffect
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.models import ModelStubExtractionRequest

from .conftest import GOOD_BODY, SOURCE, MakeNode


async def _opened(node: NodeCodegenCodeGeneratorEffect) -> StubConversation:
    extraction = await NodeCodegenStubExtractorEffect(node.container).run(
        ModelStubExtractionRequest(node_file_content=SOURCE, file_path="calc.py")
    )
    (conversation,) = node.open_file(SOURCE, "calc.py", extraction.stubs)
    return conversation


async def test_one_call_per_attempt_and_the_conversation_given_is_never_changed(
    llm_server: ScriptedLLMServer, make_node: MakeNode
) -> None:
    llm_server.script(Reply(text="return a +* b"), Reply(text=GOOD_BODY))
    node = make_node()
    opened = await _opened(node)
    first = await node.run(ModelCodeGenerationRequest(conversation=opened))
    assert len(llm_server.requests) == 1 and first.generation is None and first.draft is not None
    assert opened.attempt == 0 and opened.events == () and first.conversation.attempt == 1
    # the workflow runtime summarizes (repr) every event it routes: the file's text stays out of what it reads
    assert "Arithmetic helpers" not in repr(first.conversation) + repr(first.draft)
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.conversation.attempt = 5  # type: ignore[misc]
    # the syntax error is not readable: the draft's own findings are the verdict, sent back with the next call
    assert first.draft.validation is None and first.draft.candidate.findings
    second = await node.run(
        ModelCodeGenerationRequest(conversation=first.conversation, verdict=ModelAttemptVerdict(draft=first.draft))
    )
    assert len(llm_server.requests) == 2 and second.draft is not None and second.draft.validation is not None
    assert "SYN" in llm_server.requests[1].last_user_text or "syntax" in llm_server.requests[1].last_user_text
    assert [e.outcome for e in second.conversation.events] == [EnumAttemptOutcome.INVALID]
    validation = await NodeCodegenCodeValidatorEffect(node.container).run(second.draft.validation)
    done = await node.run(
        ModelCodeGenerationRequest(
            conversation=second.conversation, verdict=ModelAttemptVerdict(draft=second.draft, validation=validation)
        )
    )
    assert len(llm_server.requests) == 2  # the verdict finished the stub: no third call
    assert done.draft is None and done.generation is not None and done.generation.success
    assert done.generation.generated_code == GOOD_BODY + "\n" and done.generation.attempts == 2
    assert node.get_metrics()["successful_generations"] == 1


async def test_code_the_validator_could_not_check_is_never_written(
    llm_server: ScriptedLLMServer, make_node: MakeNode
) -> None:
    llm_server.script(Reply(text=GOOD_BODY))
    node = make_node()
    first = await node.run(ModelCodeGenerationRequest(conversation=await _opened(node)))
    assert first.draft is not None and first.draft.validation is not None
    with pytest.raises(ValidationError, match="validation result or why it could not be checked"):
        ModelAttemptVerdict(draft=first.draft)  # a readable draft needs its verdict
    verdict = ModelAttemptVerdict(draft=first.draft, unchecked="the sandbox could not start")
    done = await node.run(ModelCodeGenerationRequest(conversation=first.conversation, verdict=verdict))
    assert done.generation is not None and not done.generation.success and done.generation.generated_code is None
    assert done.generation.stop_reason is EnumStopReason.LLM_ERROR
    assert done.generation.message == "the code could not be validated: the sandbox could not start"
