"""Keys out of provider messages: the configured key and anything key-shaped is masked before a message becomes an
``LLMError``, against a real loopback server that repeats the request's credentials; only a refused key (401/403)
is told to check the key."""

from __future__ import annotations

import pytest

from nodegen.infra.store import attempt_row
from nodegen.infra.store_schema import ATTEMPT_COLUMNS
from nodegen.llm import (
    EnumChatRole,
    EnumLLMFailure,
    LLMError,
    ModelChatMessage,
    ModelCompletionRequest,
    RetryPolicy,
    complete_with_retries,
    openai_client,
)
from nodegen.llm.redact import redact, redact_code
from nodegen.llm.remote import anthropic_client
from tests.support.llm_server import Reply, ScriptedLLMServer

PLAIN_KEY = "nodegen-credential-0c9f3e2a71b4"
REQUEST = ModelCompletionRequest(system="s", messages=[ModelChatMessage(role=EnumChatRole.USER, content="hi")])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"Authorization": "Bearer abc123def456ghi"}', '{"Authorization": "Bearer ***"}'),
        ("Incorrect API key provided: sk-proj-abc123def456. See docs.", "Incorrect API key provided: ***. See docs."),
        ("key sk-ant-api03-AbCdEf0123456789 refused", "key *** refused"),
        ("x-api-key: abcdef1234567", "x-api-key: ***"),
        ('{"api_key": "zyxw98765432"}', '{"api_key": "***"}'),
        ("access_token=AbC123xYz789", "access_token=***"),
        ("api key 3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c.", "api key ***."),
    ],
)
def test_key_shaped_text_is_masked(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "token counting exceeded max_tokens",
        "basic settings of the bearer of news",
        "status_code: 500, model_name: gpt-4o-mini, body: {'message': 'overloaded'}",
        "prompt_hash 3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert redact(text) == text


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ('API_KEY = "sk-live-0123456789abcdef"', 'API_KEY = "***"'),
        ("DB_PASSWORD = 'correct-horse'", "DB_PASSWORD = '***'"),
        ('settings = {"db_password": "s3cr3t!!", "user": "bob"}', 'settings = {"db_password": "***", "user": "bob"}'),
        ('url = "postgresql://app:hunter2hunter2@db:5432/app"', 'url = "postgresql://app:***@db:5432/app"'),
        ('key_id = "AKIAIOSFODNN7EXAMPLE"', 'key_id = "***"'),
        ("got `'Bearer abcdefghijklmnop'`", "got `'Bearer ***'`"),
    ],
)
def test_secrets_in_code_are_masked(code, expected):
    assert redact_code(code) == expected


@pytest.mark.parametrize(
    "code",
    [
        "token = compute_token(x)",  # redact() would mask the call: code stays code
        "def check_password(pw: str) -> bool:\n    return len(pw) >= 8",
        'secret = ""',
        "tokens = text.split()",
    ],
)
def test_code_without_secrets_is_left_alone(code):
    assert redact_code(code) == code


def test_the_configured_key_is_masked_in_every_form_it_takes():
    key = "plain/key+with=odd&chars"
    text = f'{key} "{key}" {key.replace("/", "%2F").replace("+", "%2B").replace("=", "%3D").replace("&", "%26")}'
    assert key not in redact(text, [key]) and "%2F" not in redact(text, [key])
    assert redact("nothing here", [None, ""]) == "nothing here"


def test_a_placeholder_key_is_no_secret():
    text = "ollama:qwen2.5-coder at http://127.0.0.1:11434/v1: model not found"
    assert redact(text, ["ollama"]) == text


def test_an_llm_error_never_holds_a_key_shaped_token():
    error = LLMError(EnumLLMFailure.BAD_REQUEST, "proxy said: Authorization: Bearer sk-live-0123456789abcdef")
    assert "0123456789abcdef" not in error.message and "0123456789abcdef" not in str(error)


def test_stored_attempt_messages_are_redacted():
    event = {"timestamp": "2026-12-01T00:00:00Z", "message": "body: {'x-api-key': 'sk-ant-api03-AbCdEf0123456789'}"}
    row = dict(zip(ATTEMPT_COLUMNS, attempt_row(event), strict=True))
    assert row["message"] == "body: {'x-api-key': '***'}"


@pytest.mark.parametrize("status", [400, 404, 422, 500, 503])
async def test_an_error_body_repeating_a_key_from_the_environment_is_masked(monkeypatch, status):
    async with ScriptedLLMServer(lambda received: Reply(status=status, text="no", echo_credentials=True)) as server:
        monkeypatch.setenv("OPENAI_API_KEY", PLAIN_KEY)  # not given to nodegen: the SDK reads it itself
        client = openai_client("gpt-4o-mini", base_url=server.openai_url, api_key=None)
        with pytest.raises(LLMError) as raised:
            await complete_with_retries(client, REQUEST, RetryPolicy(max_retries=0))
        assert server.requests[0].headers["Authorization"] == f"Bearer {PLAIN_KEY}"
    message = raised.value.message
    assert PLAIN_KEY not in message and "Bearer ***" in message
    assert "check the API key" not in message  # a 4xx/5xx that is not 401/403 is not a key problem
    assert raised.value.kind is not EnumLLMFailure.AUTHENTICATION


@pytest.mark.parametrize("status", [401, 403])
async def test_only_a_refused_key_is_told_to_check_the_key(status):
    async with ScriptedLLMServer(lambda received: Reply(status=status, text="denied", echo_credentials=True)) as server:
        client = anthropic_client("claude-haiku-4-5", base_url=server.anthropic_url, api_key=PLAIN_KEY)
        with pytest.raises(LLMError) as raised:
            await complete_with_retries(client, REQUEST, RetryPolicy(max_retries=0))
        headers = {name.lower(): value for name, value in server.requests[0].headers.items()}
        assert PLAIN_KEY in (headers.get("x-api-key") or headers["authorization"])
    assert raised.value.kind is EnumLLMFailure.AUTHENTICATION
    assert "check the API key" in raised.value.message and PLAIN_KEY not in raised.value.message
