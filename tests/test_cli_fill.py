"""`nodegen fill` end to end: a copy of examples/ filled through the CLI, recorded from a loopback OpenAI-compatible
server, then replayed with the metrics in PostgreSQL and the events on a real Kafka-protocol broker."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

from aiokafka import AIOKafkaConsumer
from typer.testing import CliRunner

from nodegen.cli import app
from nodegen.infra.store import open_store
from tests.support.llm_server import Reply, ThreadedLLMServer

ROOT = Path(__file__).resolve().parent.parent
NODE = Path("examples/word_frequency_compute/v1_0_0/node.py")
ANSWERS = {
    "normalize_whitespace": 'Here it is:\n```python\ndef normalize_whitespace(text: str) -> str:\n    return " ".join(text.split())\n```',
    "_tokenize": '```python\nimport re\n\n\ndef _tokenize(self, text: str) -> list[str]:\n    return re.findall(r"[a-z0-9\']+", text.lower())\n```',
    "_top_words": (
        "```python\nfrom collections import Counter\n\n\n"
        "def _top_words(self, words: list[str], top_n: int) -> list[ModelWordCount]:\n"
        "    counts = Counter(words)\n"
        "    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))\n"
        "    return [ModelWordCount(word=word, count=count) for word, count in ordered[:top_n]]\n```"
    ),
}


def responder(received):
    text = received.last_user_text
    if "was not accepted" in text:
        return Reply(text="pass")
    for name, answer in ANSWERS.items():
        if re.search(rf"whole (function|method) `(\w+\.)?{name}`", text):  # the target, named on the last line
            return Reply(text=answer, input_tokens=900, output_tokens=60)
    return Reply(text="pass")


def copy_examples(where: Path) -> Path:
    where.mkdir(parents=True)
    shutil.copytree(ROOT / "examples", where / "examples")
    return where


def run_fill(monkeypatch, cwd: Path, *args: str, **env: str):
    monkeypatch.chdir(cwd)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return CliRunner().invoke(app, ["fill", "examples", *args], catch_exceptions=False)


def fill_answered(monkeypatch, cwd: Path, respond, *args: str, **env: str):
    """`nodegen fill ARGS` in ``cwd`` against a loopback OpenAI-compatible model that answers with ``respond``."""
    with ThreadedLLMServer(respond) as server:
        monkeypatch.chdir(cwd)
        for key, value in {"OPENAI_BASE_URL": server.openai_url, "OPENAI_API_KEY": "sk-test-cli", **env}.items():
            monkeypatch.setenv(key, value)
        return CliRunner().invoke(app, ["fill", *args, "--llm", "openai:gpt-4o-mini"], catch_exceptions=False)


def examples_tests_pass(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "asyncio_mode=auto", "examples"],
        check=False,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_fill_records_then_replays_with_postgres_and_kafka(tmp_path, monkeypatch, fresh_postgres_url, kafka_bootstrap):
    record = tmp_path / "answers.jsonl"
    first = copy_examples(tmp_path / "first")
    original = (first / NODE).read_text()
    with ThreadedLLMServer(responder) as server:
        result = run_fill(
            monkeypatch,
            first,
            "--llm",
            "openai:gpt-4o-mini",
            "--record",
            str(record),
            OPENAI_BASE_URL=server.openai_url,
            OPENAI_API_KEY="sk-test-cli",
        )
    assert result.exit_code == 0, result.output
    assert "3 filled, 0 failed, 0 skipped" in result.output
    filled = (first / NODE).read_text()
    assert filled != original and "re.findall" in filled and "import re\n" in filled
    assert examples_tests_pass(first).returncode == 0
    assert "sk-test-cli" not in record.read_text()

    # SQLite (the default store) has one row per attempt
    async def sqlite_rows():
        store = open_store(None, first / ".nodegen")
        try:
            return await store.attempts()
        finally:
            await store.close()

    assert len(asyncio.run(sqlite_rows())) == 3

    second = copy_examples(tmp_path / "second")
    result = run_fill(
        monkeypatch,
        second,
        "--llm",
        f"replay:{record}",
        "--json",
        NODEGEN_DATABASE_URL=fresh_postgres_url,
        NODEGEN_KAFKA_BOOTSTRAP=kafka_bootstrap,
        NODEGEN_STATE_DIR=str(second / ".nodegen"),
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["success"] and [s["status"] for s in report["stubs"]] == ["filled"] * 3
    # the replayed run changes the files exactly as the recorded one did, and nothing else
    assert (second / NODE).read_text() == filled
    for path in (first / "examples").rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts and path.name != NODE.name:
            assert path.read_bytes() == (second / path.relative_to(first)).read_bytes(), path
    assert report["modified_files"] == [str(NODE)]
    assert {i["intent_type"]: i["success"] for i in report["executed_intents"]} == {
        "persist_metrics": True,
        "publish_event": True,
    }

    async def postgres_rows():
        store = open_store(fresh_postgres_url, tmp_path)
        try:
            return await store.attempts(), await store.metrics_snapshots()
        finally:
            await store.close()

    attempts, snapshots = asyncio.run(postgres_rows())
    assert len(attempts) == 3 and {a["provider"] for a in attempts} == {"replay"}
    assert snapshots[0]["metrics"]["stubs_filled"] == 3

    async def events():
        consumer = AIOKafkaConsumer(
            "onex.codegen.generation_started.v1",
            "onex.codegen.generation_completed.v1",
            "onex.codegen.metrics_recorded.v1",
            bootstrap_servers=kafka_bootstrap,
            group_id=f"test-{uuid.uuid4().hex}",
            auto_offset_reset="earliest",
            session_timeout_ms=1000,
            heartbeat_interval_ms=300,
        )
        await consumer.start()
        seen = set()
        try:
            async with asyncio.timeout(30):
                async for message in consumer:
                    body = json.loads(message.value)
                    if body["correlation_id"] == report["correlation_id"]:
                        seen.add(body["event_type"])
                    if len(seen) == 3:
                        break
        finally:
            await consumer.stop()
        return seen

    assert asyncio.run(events()) == {"generation_started", "generation_completed", "metrics_recorded"}


def test_fill_dry_run_prints_the_diff_and_writes_nothing(tmp_path, monkeypatch):
    where = copy_examples(tmp_path / "dry")
    before = (where / NODE).read_text()
    with ThreadedLLMServer(responder) as server:
        result = run_fill(
            monkeypatch,
            where,
            "--dry-run",
            "--llm",
            "openai:gpt-4o-mini",
            OPENAI_BASE_URL=server.openai_url,
            OPENAI_API_KEY="sk-test-cli",
        )
    assert result.exit_code == 0, result.output
    assert (where / NODE).read_text() == before
    assert "\n+        return re.findall" in result.stdout
    assert result.stdout.startswith(f"--- a/{NODE}")


def test_a_stub_that_fails_makes_the_exit_code_1_and_is_reported(tmp_path, monkeypatch):
    where = copy_examples(tmp_path / "fails")
    with ThreadedLLMServer(lambda received: Reply(text="pass")) as server:
        result = run_fill(
            monkeypatch,
            where,
            "--llm",
            "openai:gpt-4o-mini",
            "--max-attempts",
            "2",
            OPENAI_BASE_URL=server.openai_url,
            OPENAI_API_KEY="sk-test-cli",
        )
    assert result.exit_code == 1
    assert "0 filled, 3 failed" in result.output and "LAZY" in result.output
    assert (where / NODE).read_text() == (ROOT / NODE).read_text()  # nothing invalid is written


def test_fill_into_an_output_directory_leaves_the_originals(tmp_path, monkeypatch):
    where = copy_examples(tmp_path / "out")
    with ThreadedLLMServer(responder) as server:
        result = run_fill(
            monkeypatch,
            where,
            "--llm",
            "openai:gpt-4o-mini",
            "-o",
            "filled",
            "--json",
            OPENAI_BASE_URL=server.openai_url,
            OPENAI_API_KEY="sk-test-cli",
        )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    (generated,) = report["generated_files"]
    assert Path(generated).is_relative_to((where / "filled").resolve()) and "re.findall" in Path(generated).read_text()
    assert (where / NODE).read_text() == (ROOT / NODE).read_text()


LATIN1_STUB = (
    "# -*- coding: latin-1 -*-\n"
    'GREETING = "café"\n\n\n'
    "def greet(name: str) -> str:\n"
    '    """Greet ``name`` in the café."""\n'
    "    # IMPLEMENTATION REQUIRED\n"
    "    pass\n"
)


def test_fill_into_an_output_directory_keeps_a_latin_1_file_latin_1(tmp_path, monkeypatch):
    (tmp_path / "cafe.py").write_bytes(LATIN1_STUB.encode("latin-1"))
    answer = '```python\ndef greet(name: str) -> str:\n    return f"{GREETING}, {name}"\n```'
    result = fill_answered(monkeypatch, tmp_path, lambda received: Reply(text=answer), "cafe.py", "-o", "filled")
    assert result.exit_code == 0, result.output
    written = (tmp_path / "filled" / "cafe.py").read_bytes()
    assert b'GREETING = "caf\xe9"' in written  # one latin-1 byte, not UTF-8's "cafÃ©"
    assert written.decode("latin-1") == LATIN1_STUB.replace(
        "    # IMPLEMENTATION REQUIRED\n    pass\n", '    return f"{GREETING}, {name}"\n'
    )
    assert (tmp_path / "cafe.py").read_bytes() == LATIN1_STUB.encode("latin-1")


def test_a_character_a_latin_1_file_cannot_hold_is_repaired_and_costs_no_other_answer(tmp_path, monkeypatch):
    # The probe: one answer holding "€" made the whole latin-1 file fail at write time, with no repair attempt, and
    # the other stub's valid answer was lost.
    source = LATIN1_STUB + (
        '\n\ndef price(amount: int) -> str:\n    """The amount with its currency."""\n    # IMPLEMENTATION REQUIRED\n'
        "    pass\n"
    )
    (tmp_path / "cafe.py").write_bytes(source.encode("latin-1"))

    def respond(received):
        if "`price`" in received.last_user_text:
            euro = "cannot write" not in received.last_user_text  # the first answer; the repair after SYN005
            return Reply(text='return f"{amount} €"' if euro else 'return f"{amount} EUR"')
        return Reply(text='return f"{GREETING}, {name}"')

    result = fill_answered(monkeypatch, tmp_path, respond, "cafe.py", "--json")
    assert result.exit_code == 0, result.output
    stubs = {stub["qualified_name"]: stub for stub in json.loads(result.stdout)["stubs"]}
    assert stubs["price"]["attempts"] == 2 and stubs["greet"]["status"] == "filled"
    written = (tmp_path / "cafe.py").read_bytes().decode("latin-1")
    assert 'return f"{amount} EUR"' in written and 'return f"{GREETING}, {name}"' in written


def test_an_output_directory_that_is_the_files_own_folder_is_an_in_place_fill_with_its_checks(tmp_path, monkeypatch):
    # The probe: `-o .` skipped every in-place safeguard (a 0444 file became 0644, a hard link was cut; exit 0).
    answer = '```python\ndef greet(name: str) -> str:\n    return f"{GREETING}, {name}"\n```'
    (tmp_path / "cafe.py").write_bytes(LATIN1_STUB.encode("latin-1"))
    (tmp_path / "cafe.py").chmod(0o444)
    (tmp_path / "linked.py").write_bytes(LATIN1_STUB.encode("latin-1"))
    (tmp_path / "alias.py").hardlink_to(tmp_path / "linked.py")
    (tmp_path / "free.py").write_bytes(LATIN1_STUB.encode("latin-1"))
    files = ("cafe.py", "linked.py", "free.py")
    result = fill_answered(monkeypatch, tmp_path, lambda received: Reply(text=answer), *files, "-o", ".", "--json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["generated_files"] == [] and [Path(p).name for p in report["modified_files"]] == ["free.py"]
    errors = {Path(f["file_path"]).name: f["error"] for f in report["files"] if f["error"]}
    assert "read-only" in errors["cafe.py"] and "hard links" in errors["linked.py"]
    assert (tmp_path / "cafe.py").read_bytes() == LATIN1_STUB.encode("latin-1")
    assert (tmp_path / "cafe.py").stat().st_mode & 0o777 == 0o444
    assert (tmp_path / "alias.py").stat().st_ino == (tmp_path / "linked.py").stat().st_ino
    assert (tmp_path / "alias.py").read_bytes() == LATIN1_STUB.encode("latin-1")
    assert "return f" in (tmp_path / "free.py").read_bytes().decode("latin-1")


HOSTILE_EXAMPLE = """def double(n: int) -> int:
    \"\"\"Twice ``n``.

    >>> import pathlib; _ = pathlib.Path({marker!r}).write_text("ran"); double(2)
    4
    \"\"\"
    # IMPLEMENTATION REQUIRED
    pass
"""


def test_without_a_sandbox_no_example_runs_unless_the_user_allows_it(tmp_path, monkeypatch):
    # The probe: with bubblewrap missing, a hostile example in the user's own docstring ran on the host (exit 0).
    marker = tmp_path / "example-ran"
    (tmp_path / "hostile.py").write_text(HOSTILE_EXAMPLE.format(marker=str(marker)))
    bin_without_bwrap = tmp_path / "bin"
    bin_without_bwrap.mkdir()
    (bin_without_bwrap / "python").symlink_to(sys.executable)
    fill = ("hostile.py", "--dry-run", "--json")

    def answer(received):
        return Reply(text="return n * 2")

    refused = fill_answered(monkeypatch, tmp_path, answer, *fill, PATH=str(bin_without_bwrap))
    assert not marker.exists(), refused.output
    (stub,) = json.loads(refused.stdout)["stubs"]
    assert "examples of `double` were not run (not run: bubblewrap (bwrap) is not installed" in stub["message"]
    assert [w["code"] for w in stub["warnings"]] == ["EXA003"]
    allowed = fill_answered(monkeypatch, tmp_path, answer, *fill, NODEGEN_ALLOW_UNSANDBOXED_CODE="true")
    assert allowed.exit_code == 0, allowed.output
    assert marker.read_text() == "ran"  # allowed, it ran (unisolated, as the setting's name says)


def test_metrics_command_aggregates_the_store(tmp_path, monkeypatch):
    where = copy_examples(tmp_path / "metrics")
    with ThreadedLLMServer(responder) as server:
        run_fill(
            monkeypatch, where, "--llm", "openai:gpt-4o-mini", OPENAI_BASE_URL=server.openai_url, OPENAI_API_KEY="sk-x"
        )
    result = CliRunner().invoke(app, ["metrics", "--json"], catch_exceptions=False)
    assert result.exit_code == 0
    metrics = json.loads(result.stdout)
    assert metrics["stubs_filled"] == 3 and metrics["runs"] == 1 and "openai:gpt-4o-mini" in metrics["by_model"]
    text = CliRunner().invoke(app, ["metrics"], catch_exceptions=False)
    assert "3 filled" in text.stdout


def test_a_file_another_run_holds_is_not_counted_filled_by_any_metrics(tmp_path, monkeypatch):
    # The probe: `nodegen metrics --json` (and the run's own metrics) counted the stubs of a file refused by another
    # process's lock as filled.
    where = copy_examples(tmp_path / "locked")
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (where / NODE).with_name("node.py.nodegen-lock").write_text(str(holder.pid))
        with ThreadedLLMServer(responder) as server:
            result = run_fill(
                monkeypatch, where, "--llm", "openai:gpt-4o-mini", "--json", OPENAI_BASE_URL=server.openai_url,
                OPENAI_API_KEY="sk-x",
            )  # fmt: skip
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    locked = [stub for stub in report["stubs"] if stub["file_path"].endswith("node.py")]
    assert locked and all(stub["status"] == "failed" for stub in locked)
    assert "another nodegen run" in json.dumps(report["files"])
    filled = sum(stub["status"] == "filled" for stub in report["stubs"])
    assert report["metrics"]["stubs_filled"] == filled
    stored = json.loads(CliRunner().invoke(app, ["metrics", "--json"], catch_exceptions=False).stdout)
    assert stored["stubs_filled"] == filled and stored["outcomes"].get("not_written") == len(locked)
    assert (where / NODE).read_text() == (ROOT / NODE).read_text()


def test_a_file_swapped_for_a_link_out_of_the_folder_during_the_run_is_not_written_through_it(tmp_path, monkeypatch):
    # The probe: a folder fill wrote through a file swapped for a symlink to an outside file meanwhile (the walk
    # refuses such links only when it starts).
    folder, outside = tmp_path / "project", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    stub = 'def double(n: int) -> int:\n    """Twice n."""\n    # IMPLEMENTATION REQUIRED\n    pass\n'
    (folder / "mod.py").write_text(stub)
    (outside / "victim.py").write_text(stub)

    def respond(received):
        if not (folder / "mod.py").is_symlink():  # while the model answers, the file becomes a link out
            (folder / "mod.py").unlink()
            (folder / "mod.py").symlink_to(outside / "victim.py")
        return Reply(text="return n * 2")

    result = fill_answered(monkeypatch, tmp_path, respond, "project", "--json")
    assert result.exit_code == 1, result.output
    assert "became a symbolic link" in json.dumps(json.loads(result.stdout)["files"])
    assert (outside / "victim.py").read_text() == stub


def test_bad_input_exits_2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["fill", "missing_dir", "--llm", "replay:x.jsonl"])
    assert result.exit_code == 2
    result = CliRunner().invoke(app, ["fill", str(tmp_path), "--llm", "gpt-4o"])
    assert result.exit_code in (0, 2)  # no stubs: the provider is never built
