"""Fixtures shared by the node tests (the original project's ``nodes/conftest.py`` names)."""

from __future__ import annotations

from unittest.mock import Mock

import pytest

from nodegen.onex import ModelContainer
from nodegen.onex.testing import (
    create_test_container,
    create_test_contract_compute,
    create_test_contract_effect,
    create_test_contract_orchestrator,
    create_test_contract_reducer,
)

__all__ = [
    "create_test_container",
    "create_test_contract_compute",
    "create_test_contract_effect",
    "create_test_contract_orchestrator",
    "create_test_contract_reducer",
]


@pytest.fixture
def mock_container() -> Mock:
    """The guide's container: a mock whose config answers every key with the caller's default."""
    container = Mock(spec=ModelContainer)
    container.config = Mock()
    container.config.get = Mock(side_effect=lambda key, default: default)
    container.get_service = Mock(return_value=None)
    return container


@pytest.fixture
def container() -> ModelContainer:
    """A real, empty container."""
    return create_test_container()
