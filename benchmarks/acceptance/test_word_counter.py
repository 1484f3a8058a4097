"""WordCounter: how often each lower-cased, whitespace-split word occurs, and the total."""

import pytest
from acceptance_support import call, node_of

pytestmark = pytest.mark.asyncio
KIND = "reducer"


@pytest.fixture
def node():
    return node_of("word_counter_reducer", "NodeWordCounterReducer")


async def test_counts(node):
    result = await call(node, KIND, lines=["The cat", "the  dog\tand THE cat"])
    assert result.counts == {"the": 3, "cat": 2, "dog": 1, "and": 1}
    assert result.total_words == 7


async def test_no_lines(node):
    result = await call(node, KIND, lines=[])
    assert (result.counts, result.total_words) == ({}, 0)
