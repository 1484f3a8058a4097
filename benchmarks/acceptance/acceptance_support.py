"""Helpers of the acceptance tests: the node of a package, called through its contract."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from nodegen.onex import ModelOnexError
from nodegen.onex.testing import create_test_container

ENTRY = {"effect": "execute_effect", "compute": "execute_compute", "reducer": "execute_reduction",
         "orchestrator": "execute_orchestration"}  # fmt: skip


def node_of(package: str, class_name: str) -> Any:
    """A fresh node of ``package`` (``shipping_cost_compute``), as a user's code builds it."""
    module = importlib.import_module(f"{package}.v1_0_0")
    return getattr(module, class_name)(create_test_container())


async def call(node: Any, kind: str, **input_state: Any) -> Any:
    """The node's response to a contract holding ``input_state``."""
    return await getattr(node, ENTRY[kind])({"input_state": input_state})


async def refused(node: Any, kind: str, **input_state: Any) -> str:
    """The name of the ModelOnexError code the node raises for ``input_state``."""
    with pytest.raises(ModelOnexError) as raised:
        await call(node, kind, **input_state)
    return raised.value.error_code.name
