"""Fixtures every test may use: real servers started once for the session (PostgreSQL, the Kafka-protocol broker)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from tests.support.kafka import TansuBroker
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


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """A real Kafka-protocol broker (Tansu) for the whole session."""
    broker = TansuBroker()
    broker.start()
    yield broker.bootstrap
    broker.stop()


@pytest.fixture
def kafka_broker() -> Iterator[TansuBroker]:
    """A broker of the test's own, which the test may stop and start again."""
    broker = TansuBroker()
    broker.start()
    yield broker
    broker.stop()
