"""emit_log_event: one JSON object per line through stdlib logging."""

import io
import json
import logging

import pytest

from nodegen.onex import EnumLogLevel, configure_logging, correlation_scope, emit_log_event
from nodegen.onex.logging import LOGGER_NAME


@pytest.fixture
def stream():
    buffer = io.StringIO()
    configure_logging(EnumLogLevel.DEBUG, buffer)
    yield buffer
    configure_logging(EnumLogLevel.WARNING)


def lines(buffer):
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_one_json_object_per_line(stream):
    emit_log_event(EnumLogLevel.INFO, "first", {"a": 1})
    emit_log_event(EnumLogLevel.WARNING, "second\nwith a newline")
    first, second = lines(stream)
    assert (first["level"], first["message"], first["context"], first["logger"]) == (
        "info",
        "first",
        {"a": 1},
        LOGGER_NAME,
    )
    assert second["message"] == "second\nwith a newline"
    assert "timestamp" in first


def test_correlation_id_from_context_is_lifted_to_the_top(stream):
    emit_log_event(EnumLogLevel.INFO, "x", {"correlation_id": "abc", "k": "v"})
    (event,) = lines(stream)
    assert event["correlation_id"] == "abc"
    assert event["context"] == {"k": "v"}


def test_correlation_scope_binds_the_id(stream):
    with correlation_scope("cid-1"):
        emit_log_event(EnumLogLevel.INFO, "inside")
    emit_log_event(EnumLogLevel.INFO, "outside")
    inside, outside = lines(stream)
    assert inside["correlation_id"] == "cid-1"
    assert "correlation_id" not in outside


def test_credentials_are_redacted_but_token_counts_are_not(stream):
    emit_log_event(
        EnumLogLevel.INFO,
        "call",
        {"api_key": "sk-123", "headers": {"Authorization": "Bearer x"}, "access_token": "t", "total_tokens": 42},
    )
    (event,) = lines(stream)
    assert event["context"] == {
        "api_key": "***",
        "headers": {"Authorization": "***"},
        "access_token": "***",
        "total_tokens": 42,
    }
    assert "sk-123" not in stream.getvalue()


def test_disabled_level_writes_nothing(stream):
    logging.getLogger(LOGGER_NAME).setLevel(logging.ERROR)
    assert emit_log_event(EnumLogLevel.INFO, "quiet") is None
    assert stream.getvalue() == ""


def test_levels_map_onto_stdlib(caplog):
    caplog.set_level(1, logger=LOGGER_NAME)
    for level in EnumLogLevel:
        emit_log_event(level, level.value)
    assert [record.levelno for record in caplog.records] == [5, 10, 20, 30, 40, 50, 50]
    assert caplog.records[0].onex_event["level"] == "trace"


def test_level_may_be_given_as_text(caplog):
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    emit_log_event("INFO", "text level")
    assert caplog.records[0].levelno == logging.INFO


def test_configure_logging_is_idempotent(stream):
    configure_logging(EnumLogLevel.DEBUG, stream)
    emit_log_event(EnumLogLevel.INFO, "once")
    assert len(lines(stream)) == 1


def test_non_json_values_are_written_as_text(stream):
    emit_log_event(EnumLogLevel.INFO, "x", {"value": {1, 2} and object})
    (event,) = lines(stream)
    assert event["context"]["value"] == str(object)
