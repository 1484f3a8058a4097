"""Fixtures of the generator's tests: a real loopback LLM server and nodes wired to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from tests.support.llm_server import ScriptedLLMServer

from nodegen.llm import RemoteClient, anthropic_client, openai_client
from nodegen.nodes.codegen_code_generator_effect.v1_0_0 import NodeCodegenCodeGeneratorEffect
from nodegen.onex.testing import create_test_container

API_KEY = "sk-test-4f9a8b7c6d5e4f3a2b1c"

SOURCE = '''\
"""Arithmetic helpers."""

from __future__ import annotations


class Calculator:
    """Adds and scales numbers."""

    factor: int = 2

    def __init__(self, offset: int = 0) -> None:
        self.offset = offset

    def add(self, a: int, b: int) -> int:
        """Return a + b + the offset."""
        # IMPLEMENTATION REQUIRED: remember the offset
        pass

    def scale(self, value: int) -> int:
        """Return value times the factor."""
        return value * self.factor
'''

GOOD_BODY = "return a + b + self.offset"


@pytest.fixture
async def llm_server() -> AsyncIterator[ScriptedLLMServer]:
    async with ScriptedLLMServer() as server:
        yield server


MakeNode = Callable[..., NodeCodegenCodeGeneratorEffect]


@pytest.fixture
def make_node(llm_server: ScriptedLLMServer) -> MakeNode:
    """A generator talking to the loopback server (``protocol`` openai or anthropic), no cache, fast retries."""

    def make(protocol: str = "openai", model: str | None = None, **config: Any) -> NodeCodegenCodeGeneratorEffect:
        client: RemoteClient
        if protocol == "anthropic":
            client = anthropic_client(
                model or "claude-haiku-4-5", base_url=llm_server.anthropic_url, api_key=API_KEY
            )
        else:
            client = openai_client(model or "gpt-4o-mini", base_url=llm_server.openai_url, api_key=API_KEY)
        settings = {"llm_max_retries": 2, "llm_timeout_s": 5.0, **config}
        return NodeCodegenCodeGeneratorEffect(create_test_container(settings, services={"llm_client": client}))

    return make
