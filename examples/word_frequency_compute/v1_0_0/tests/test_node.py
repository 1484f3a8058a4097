"""Contract tests of NodeWordFrequencyCompute: they pass once its stubs are filled."""

import pytest

from nodegen.onex import ModelContractCompute, ModelOnexError
from nodegen.onex.testing import create_test_container

from ..node import NodeWordFrequencyCompute, normalize_whitespace


@pytest.fixture
def node() -> NodeWordFrequencyCompute:
    return NodeWordFrequencyCompute(create_test_container())


def test_normalize_whitespace_collapses_runs():
    assert normalize_whitespace("  a \t b\n\nc  ") == "a b c"


async def test_counts_words_case_insensitively(node):
    result = await node.execute_compute(ModelContractCompute(input_state={"text": "Don't stop, DON'T!"}))
    assert [(item.word, item.count) for item in result.top_words] == [("don't", 2), ("stop", 1)]
    assert result.total_words == 3
    assert result.distinct_words == 2


async def test_ties_are_alphabetical_and_top_n_is_respected(node):
    result = await node.execute_compute(ModelContractCompute(input_state={"text": "b a c b a c d", "top_n": 2}))
    assert [item.word for item in result.top_words] == ["a", "b"]


async def test_stop_words_are_left_out(node):
    result = await node.execute_compute(
        ModelContractCompute(input_state={"text": "the cat and the hat", "stop_words": ["the", "and"]})
    )
    assert {item.word for item in result.top_words} == {"cat", "hat"}
    assert result.total_words == 2


async def test_invalid_request_is_a_validation_error(node):
    with pytest.raises(ModelOnexError) as caught:
        await node.execute_compute(ModelContractCompute(input_state={"text": "x", "top_n": 0}))
    assert caught.value.error_code.name == "VALIDATION_ERROR"
