"""Fixtures every test may use: real servers started once for the session (PostgreSQL, the Kafka-protocol broker)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from tests.support.postgres import create_database, postgres_server


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server for the whole session."""
    with postgres_server() as url:
        yield url


@pytest.fixture
def fresh_postgres_url(postgres_url: str) -> str:
    """An empty database of its own on the session's server."""
    return create_database(postgres_url, f"t_{uuid.uuid4().hex[:12]}")
