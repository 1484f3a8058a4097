"""A provider (or a proxy in front of it) whose error body repeats the request's credentials must not leak the key:
`nodegen fill --json` runs as a real process against the loopback server, and the key is nowhere afterwards: not in
stdout, stderr (the table and the JSON log lines), the JSON report, the SQLite `generation_attempts` rows, the
cache, or any file of the project."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nodegen.infra.store import open_store
from tests.support.llm_server import Reply, ThreadedLLMServer

ROOT = Path(__file__).resolve().parent.parent
# Not key-shaped on purpose: only knowing the configured key can redact it.
PLAIN_KEY = "nodegen-credential-7f3a9c0e51d24b68"
OPENAI_KEY = "sk-proj-Q7f3a9c0e51d24b68aa19c2e7d4f01b3"
ANTHROPIC_KEY = "sk-ant-api03-Zx9Q7f3a9c0e51d24b68aa19c2e7d4f01b3"


def fill(where: Path, server_url: str, provider: str, key: str) -> subprocess.CompletedProcess[str]:
    env = {
        name: value for name, value in os.environ.items() if not name.startswith(("NODEGEN_", "OPENAI_", "ANTHROPIC_"))
    }
    prefix = "ANTHROPIC" if provider.startswith("anthropic") else "OPENAI"
    env |= {
        f"{prefix}_BASE_URL": server_url,
        f"{prefix}_API_KEY": key,
        "NODEGEN_STATE_DIR": str(where / "state"),
        "NODEGEN_LLM_MAX_RETRIES": "1",
        "NODEGEN_LOG_LEVEL": "debug",
    }
    return subprocess.run(
        [sys.executable, "-m", "nodegen", "fill", "examples", "--llm", provider, "--json", "--max-attempts", "2"],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def attempt_rows(state: Path) -> list[dict[str, object]]:
    async def rows() -> list[dict[str, object]]:
        store = open_store(None, state)
        try:
            return await store.attempts()
        finally:
            await store.close()

    return asyncio.run(rows())


@pytest.mark.slow
@pytest.mark.parametrize(
    ("provider", "key", "status"),
    [
        ("openai:gpt-4o-mini", PLAIN_KEY, 400),
        ("openai:gpt-4o-mini", OPENAI_KEY, 500),
        ("anthropic:claude-haiku-4-5", ANTHROPIC_KEY, 400),
    ],
)
def test_an_error_body_that_repeats_the_key_leaks_it_nowhere(tmp_path, provider, key, status):
    where = tmp_path / "project"
    where.mkdir()
    shutil.copytree(ROOT / "examples", where / "examples")
    with ThreadedLLMServer(
        lambda received: Reply(status=status, text="upstream refused", echo_credentials=True)
    ) as server:
        url = server.openai_url if provider.startswith("openai") else server.anthropic_url
        result = fill(where, url, provider, key)
        sent = [request.headers.get("Authorization") or request.headers.get("x-api-key") for request in server.requests]
    assert result.returncode == 1, result.stderr
    assert sent and all(key in header for header in sent)  # the key did go to the provider, and came back
    assert key not in result.stdout and key not in result.stderr
    report = json.loads(result.stdout)
    messages = [stub["message"] for stub in report["stubs"] if stub.get("message")]
    assert messages and all("upstream refused" in message for message in messages)
    assert all("***" in message for message in messages)  # the echoed header is shown, with the key masked
    assert not [message for message in messages if "check the API key" in message]  # a 400/500 is not a key problem
    rows = attempt_rows(where / "state")
    assert rows and key not in json.dumps(rows, default=str)
    for path in where.rglob("*"):
        if path.is_file():
            assert key.encode() not in path.read_bytes(), path


def test_a_refused_key_is_told_to_check_the_key(tmp_path):
    where = tmp_path / "project"
    where.mkdir()
    shutil.copytree(ROOT / "examples", where / "examples")
    with ThreadedLLMServer(lambda received: Reply(status=401, text="bad key", echo_credentials=True)) as server:
        result = fill(where, server.openai_url, "openai:gpt-4o-mini", PLAIN_KEY)
    assert result.returncode == 1 and PLAIN_KEY not in result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert all("check the API key" in stub["message"] for stub in report["stubs"])
