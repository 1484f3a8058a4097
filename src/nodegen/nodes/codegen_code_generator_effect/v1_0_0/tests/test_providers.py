"""The generator with providers built from configuration: record and replay, the cache (the real local model is
tested in tests/test_local_model.py)."""

from __future__ import annotations

import pytest
from tests.support.fill_loop import fill_source
from tests.support.llm_server import Reply, ScriptedLLMServer

from nodegen.nodes.codegen_code_generator_effect.v1_0_0 import NodeCodegenCodeGeneratorEffect
from nodegen.nodes.codegen_code_generator_effect.v1_0_0.models import EnumAttemptOutcome, EnumStopReason
from nodegen.onex import EnumCoreErrorCode, ModelOnexError
from nodegen.onex.testing import create_test_container

from .conftest import API_KEY, GOOD_BODY, SOURCE


def _node(**config) -> NodeCodegenCodeGeneratorEffect:
    return NodeCodegenCodeGeneratorEffect(create_test_container(config))


async def _fill(node: NodeCodegenCodeGeneratorEffect):
    try:
        return await fill_source(node, SOURCE)
    finally:
        await node.aclose()


async def test_a_recorded_run_replays_identically_with_no_server(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    record = tmp_path / "calc.jsonl"
    async with ScriptedLLMServer() as server:
        server.script(Reply(text="return (a"), Reply(text=GOOD_BODY))
        recorded = await _fill(
            _node(llm="openai:gpt-4o-mini", llm_base_url=server.openai_url, llm_record=str(record), llm_cache=False)
        )
    assert recorded.success and recorded.generations[0].attempts == 2
    assert API_KEY not in record.read_text()
    replayed = await _fill(_node(llm=f"replay:{record}", llm_cache=False))
    assert replayed.success
    assert replayed.generations[0].generated_code == recorded.generations[0].generated_code
    assert [e.outcome for e in replayed.events] == [EnumAttemptOutcome.INVALID, EnumAttemptOutcome.VALID]
    assert all(e.cache_hit and e.cost_usd == 0.0 for e in replayed.events)
    assert replayed.llm == "replay:calc.jsonl"


async def test_a_replay_miss_fails_the_stub_and_says_how_to_record(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    result = await _fill(_node(llm=f"replay:{empty}"))
    generation = result.generations[0]
    assert generation.stop_reason is EnumStopReason.LLM_ERROR and "record it with --record" in generation.message


async def test_rerunning_an_unchanged_stub_costs_no_call(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    async with ScriptedLLMServer() as server:
        server.script(Reply(text="return (a"), Reply(text=GOOD_BODY))
        config = {"llm": "openai:gpt-4o-mini", "llm_base_url": server.openai_url, "state_dir": str(tmp_path / ".nodegen")}
        first = await _fill(_node(**config))
        second = await _fill(_node(**config))
        assert len(server.requests) == 2  # the second run made no call at all
    assert (tmp_path / ".nodegen" / "cache.db").is_file()
    assert first.success and second.success
    assert second.generations[0].generated_code == first.generations[0].generated_code
    assert all(event.cache_hit for event in second.events) and second.cost_usd == 0.0
    assert not any(event.cache_hit for event in first.events) and (first.cost_usd or 0) > 0


async def test_a_provider_that_cannot_be_built_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(ModelOnexError) as raised:
        await _fill(_node(llm="openai:gpt-4o-mini", llm_cache=False))
    assert raised.value.error_code is EnumCoreErrorCode.AUTHENTICATION_ERROR
    assert "OPENAI_API_KEY" in raised.value.message
