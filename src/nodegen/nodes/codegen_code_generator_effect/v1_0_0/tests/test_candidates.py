"""Several candidates chosen by execution agreement, end to end: a loopback server answers, the candidates' examples
and probes run in the real sandbox, and the kept code is the one most candidates agree with."""

from __future__ import annotations

import pytest
from tests.support.fill_loop import fill_source
from tests.support.llm_server import DecodesTogether, Reply, ScriptedLLMServer

from nodegen.infra.sandbox import find_bubblewrap
from nodegen.llm import openai_client
from nodegen.nodes.codegen_code_generator_effect.v1_0_0 import NodeCodegenCodeGeneratorEffect
from nodegen.nodes.codegen_code_generator_effect.v1_0_0.generation import GenerationOptions
from nodegen.onex.testing import create_test_container

from .conftest import MakeNode

pytestmark = pytest.mark.skipif(find_bubblewrap()[0] is None, reason="the examples and probes run only in bubblewrap")

SOURCE = '''\
def clamp_sum(values: list[int], limit: int) -> int:
    """The sum of values, never above limit.

    >>> clamp_sum([1, 2], 10)
    3
    """
    # IMPLEMENTATION REQUIRED
    pass
'''

RIGHT = "return min(sum(values), limit)"
RIGHT_AGAIN = "total = 0\nfor value in values:\n    total += value\nreturn min(total, limit)"
WRONG = "return sum(values)"  # passes the example, ignores the limit


async def _fill(make_node: MakeNode, **config: object):
    node = make_node(**config)
    return await fill_source(node, SOURCE, file_name="clamp.py")


async def test_a_tie_goes_to_the_group_drawn_first(llm_server: ScriptedLLMServer, make_node):
    # the wrong answer passes the example and is drawn first; two right ones agree, and a second wrong one ties them
    llm_server.script(Reply(text=WRONG), Reply(text=RIGHT), Reply(text=RIGHT_AGAIN), Reply(text=WRONG))
    result = await _fill(make_node, generation_candidates=4)
    selection = result.generations[0].selection
    assert selection is not None and selection.chosen_attempt == 1
    assert "first one drawn" in selection.reason
    assert result.generations[0].generated_code == WRONG + "\n"


async def test_a_majority_outvotes_the_first_answer(llm_server: ScriptedLLMServer, make_node):
    llm_server.script(Reply(text=WRONG), Reply(text=RIGHT), Reply(text=RIGHT_AGAIN))
    result = await _fill(make_node, generation_candidates=3)
    (generation,) = result.generations
    assert generation.generated_code == RIGHT + "\n"
    assert generation.selection is not None and generation.selection.group_sizes == [2, 1]
    assert generation.selection.chosen_attempt == 2
    assert "chosen by execution" in generation.message
    assert len(llm_server.requests) == 3


async def test_drawing_stops_once_no_group_can_overtake(llm_server: ScriptedLLMServer, make_node):
    llm_server.script(Reply(text=RIGHT), Reply(text=RIGHT_AGAIN), Reply(text=WRONG), Reply(text=WRONG))
    result = await _fill(make_node, generation_candidates=4)
    (generation,) = result.generations
    assert generation.generated_code == RIGHT + "\n"
    assert generation.attempts == 2 and len(llm_server.requests) == 2  # 2 agree; 2 more could only tie, and lose
    assert generation.selection is not None and generation.selection.reason.startswith("all 2 passing")


async def test_failing_draws_after_a_pass_count_against_the_candidates_not_the_code(llm_server, make_node):
    llm_server.script(Reply(text=RIGHT), Reply(text="return values[99]"), Reply(text="oops no code"), Reply(text=WRONG))
    result = await _fill(make_node, generation_candidates=4)
    (generation,) = result.generations
    assert generation.success and generation.generated_code == RIGHT + "\n"
    assert generation.selection is not None
    # after two failed draws one is left: alone it could only tie the first, and a tie goes to the first
    assert (generation.selection.candidates_drawn, generation.selection.candidates_passed) == (3, 1)
    assert len(llm_server.requests) == 3


async def test_one_candidate_keeps_the_first_answer_that_passes(llm_server: ScriptedLLMServer, make_node):
    llm_server.script(Reply(text=WRONG), Reply(text=RIGHT))
    result = await _fill(make_node, generation_candidates=1)
    (generation,) = result.generations
    assert generation.generated_code == WRONG + "\n" and generation.selection is None
    assert len(llm_server.requests) == 1


async def test_the_draws_after_a_pass_are_fresh_samples_of_the_first_prompt(llm_server: ScriptedLLMServer, make_node):
    llm_server.script(Reply(text=RIGHT), Reply(text=WRONG), Reply(text=RIGHT_AGAIN))
    await _fill(make_node, generation_candidates=3)
    first, second, third = llm_server.requests
    assert second.body["messages"] == first.body["messages"] == third.body["messages"]
    assert {second.body.get("seed"), third.body.get("seed")} == {2, 3}
    assert second.body.get("temperature", 0) > 0


async def test_an_llm_error_after_a_pass_keeps_what_passed(llm_server: ScriptedLLMServer, make_node):
    llm_server.script(Reply(text=RIGHT), *[Reply(status=500, text="down")] * 3)
    result = await _fill(make_node, generation_candidates=3)
    (generation,) = result.generations
    assert generation.success and generation.generated_code == RIGHT + "\n"


async def test_by_default_the_first_candidate_that_passes_is_written(llm_server: ScriptedLLMServer, make_node):
    assert GenerationOptions().candidates == 1
    llm_server.script(Reply(text=WRONG), Reply(text=RIGHT))
    result = await _fill(make_node)
    assert result.generations[0].selection is None and len(llm_server.requests) == 1


async def test_candidates_a_provider_decodes_together_are_asked_at_once_and_the_unused_counted():
    by_seed = {None: RIGHT, 2: RIGHT_AGAIN, 3: WRONG, 4: WRONG}  # attempt n's seed is n (the first has none)
    async with ScriptedLLMServer(lambda got: Reply(text=by_seed[got.body.get("seed")], output_tokens=7)) as server:
        client = DecodesTogether(openai_client("gpt-4o-mini", base_url=server.openai_url, api_key="sk-test"))
        config = {"generation_candidates": 4, "llm_timeout_s": 5.0}
        node = NodeCodegenCodeGeneratorEffect(create_test_container(config, services={"llm_client": client}))
        result = await fill_source(node, SOURCE, file_name="clamp.py")
    (generation,) = result.generations
    # the first attempt and the three after it were asked together: one prompt, four seeds
    assert len(server.requests) == 4 and {r.body.get("seed") for r in server.requests} == set(by_seed)
    assert len({str(r.body["messages"]) for r in server.requests}) == 1
    # two agree and two are left: those could only tie, so the stub ends at two attempts; the two answers drawn
    # and never used were paid for, and count in the stub's tokens
    assert generation.generated_code == RIGHT + "\n" and generation.attempts == 2
    assert generation.completion_tokens == 4 * 7 and sum(e.completion_tokens for e in generation.events) == 2 * 7

