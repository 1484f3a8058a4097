"""`nodegen worker` processes in a consumer group on the real broker (Tansu) and the real PostgreSQL server, filling
what `nodegen submit` sends; answers from the loopback OpenAI-compatible server, as for a local fill."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import threading
import time
import uuid
from pathlib import Path

import asyncpg
import pytest
from typer.testing import CliRunner

from nodegen.cli import app
from tests.support.llm_server import Received, Reply, ThreadedLLMServer
from tests.support.postgres import PostgresServer, create_database
from tests.support.workers import make_project, responder, start_worker, stop_worker

pytestmark = pytest.mark.slow
FILES = 30


def fill_locally(monkeypatch, project: Path, server_url: str, *args: str, exit_code: int = 0):
    monkeypatch.chdir(project)
    monkeypatch.setenv("OPENAI_BASE_URL", server_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-workers")
    result = CliRunner().invoke(
        app, ["fill", "src", "--llm", "openai:test-model", "--json", *args], catch_exceptions=False
    )
    assert result.exit_code == exit_code, result.output
    return result


def worker_env(database_url: str, bootstrap: str, server_url: str) -> dict[str, str]:
    return {
        "NODEGEN_DATABASE_URL": database_url,
        "NODEGEN_KAFKA_BOOTSTRAP": bootstrap,
        "NODEGEN_WORKER_GROUP_ID": f"workers-{uuid.uuid4().hex[:8]}",
        "NODEGEN_WORKER_SESSION_TIMEOUT_MS": "1000",
        "NODEGEN_WORKER_STOP_GRACE_S": "3",
        "NODEGEN_WORKER_PARTITIONS": "6",
        "NODEGEN_VALIDATION_RUN_EXAMPLES": "false",
        "OPENAI_BASE_URL": server_url,
        "OPENAI_API_KEY": "sk-test-workers",
    }


def submit(monkeypatch, project: Path, env: dict[str, str], *args: str, command: str = "submit"):
    """`nodegen submit src` (``command="fill"``: `nodegen fill --submit src`)."""
    monkeypatch.chdir(project)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("NODEGEN_SUBMIT_REPUBLISH_AFTER_S", "4")
    submitting = ["fill", "--submit"] if command == "fill" else [command]
    return CliRunner().invoke(
        app,
        [*submitting, "src", "--llm", "openai:test-model", "--json", "--timeout", "90", *args],
        catch_exceptions=False,
    )


def rows(database_url: str, sql: str) -> list[tuple]:
    async def query() -> list[tuple]:
        connection = await asyncpg.connect(database_url)
        try:
            return [tuple(row.values()) for row in await connection.fetch(sql)]
        finally:
            await connection.close()

    return asyncio.run(query())


def when_results(database_url: str, count: int, action, timeout_s: float = 60.0) -> threading.Thread:
    """Run ``action`` (in a thread) once ``count`` results are stored."""

    def watch() -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                (stored,) = rows(database_url, "SELECT COUNT(*) FROM fill_results")[0]
            except (OSError, asyncpg.PostgresError):
                stored = 0
            if stored >= count:
                action()
                return
            time.sleep(0.1)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_three_workers_fill_30_files_as_a_local_fill_does_with_one_killed_mid_run(
    tmp_path, monkeypatch, fresh_postgres_url, kafka_broker
):
    local = make_project(tmp_path / "local", FILES)
    remote = make_project(tmp_path / "remote", FILES)
    with ThreadedLLMServer(responder(delay_s=0.15)) as server:
        fill_locally(monkeypatch, local, server.openai_url)
        env = worker_env(fresh_postgres_url, kafka_broker.bootstrap, server.openai_url)
        workers = [start_worker(tmp_path / f"worker{i}", env) for i in range(3)]
        try:
            killer = when_results(fresh_postgres_url, 6, lambda: workers[0].send_signal(signal.SIGKILL))
            result = submit(monkeypatch, remote, env)
            killer.join(1)
        finally:
            codes = [stop_worker(worker) for worker in workers]
    assert result.exit_code == 0, result.output
    assert codes[0] == -signal.SIGKILL and codes[1:] == [0, 0]  # the others stop gracefully on SIGTERM
    report = json.loads(result.stdout)
    assert report["success"] and len(report["stubs"]) == FILES
    assert {stub["status"] for stub in report["stubs"]} == {"filled"}
    assert sorted(report["modified_files"]) == [f"src/f_{i:02d}.py" for i in range(FILES)]
    for i in range(FILES):  # byte for byte what the local fill wrote
        name = f"src/f_{i:02d}.py"
        assert (remote / name).read_bytes() == (local / name).read_bytes(), name
    assert "return a + b + 7" in (remote / "src/f_07.py").read_text()
    run_id = report["correlation_id"]
    results = rows(fresh_postgres_url, f"SELECT request_id, status FROM fill_results WHERE run_id = '{run_id}'")
    assert len(results) == FILES and len({r[0] for r in results}) == FILES and {r[1] for r in results} == {"completed"}
    applied = rows(fresh_postgres_url, f"SELECT applied_at FROM fill_requests WHERE run_id = '{run_id}'")
    assert len(applied) == FILES and all(a[0] is not None for a in applied)  # each file written once, recorded
    assert report["metrics"]["stubs_filled"] >= FILES  # every worker's attempts, read from the shared store


def submit_through_restart(tmp_path, monkeypatch, remote, env, database_url, restart, join_s):
    """Two workers; ``restart`` runs once three results are stored, while ``remote`` is submitted to them."""
    workers = [start_worker(tmp_path / f"worker{i}", env) for i in range(2)]
    try:
        restarter = when_results(database_url, 3, restart)
        result = submit(monkeypatch, remote, env)
        restarter.join(join_s)
    finally:
        codes = [stop_worker(worker) for worker in workers]
    return result, codes, restarter, workers


def filled_like(result, remote, local, files):
    """The submitted run's report: every stub filled, every file as the local fill wrote it."""
    report = json.loads(result.stdout)
    assert report["success"] and {stub["status"] for stub in report["stubs"]} == {"filled"}
    for i in range(files):
        name = f"src/f_{i:02d}.py"
        assert (remote / name).read_bytes() == (local / name).read_bytes(), name
    return report


def test_a_broker_restart_mid_run_loses_nothing(tmp_path, monkeypatch, fresh_postgres_url, kafka_broker):
    files = 12
    local = make_project(tmp_path / "local", files)
    remote = make_project(tmp_path / "remote", files)
    with ThreadedLLMServer(responder(delay_s=0.2)) as server:
        fill_locally(monkeypatch, local, server.openai_url)
        env = worker_env(fresh_postgres_url, kafka_broker.bootstrap, server.openai_url)

        def restart() -> None:  # the broker keeps its data in memory: everything on it is gone
            kafka_broker.stop()
            time.sleep(0.5)
            kafka_broker.start()

        result, codes, _, workers = submit_through_restart(
            tmp_path, monkeypatch, remote, env, fresh_postgres_url, restart, 5
        )
    assert result.exit_code == 0, result.output
    assert codes == [0, 0], [worker.log_tail() for worker in workers]
    filled_like(result, remote, local, files)
    (count,) = rows(fresh_postgres_url, "SELECT COUNT(*) FROM fill_results")[0]
    assert count == files


def test_a_database_restart_mid_run_loses_nothing(tmp_path, monkeypatch, kafka_broker):
    files = 12
    local = make_project(tmp_path / "local", files)
    remote = make_project(tmp_path / "remote", files)
    server = PostgresServer()  # a server of the test's own: it is stopped (connections cut) and started again
    server.start()
    try:
        database_url = create_database(server.url, "outage")
        with ThreadedLLMServer(responder(delay_s=0.2)) as llm:
            fill_locally(monkeypatch, local, llm.openai_url)
            env = worker_env(database_url, kafka_broker.bootstrap, llm.openai_url)

            def restart() -> None:
                server.stop()
                time.sleep(1.0)
                server.start()

            result, codes, restarter, workers = submit_through_restart(
                tmp_path, monkeypatch, remote, env, database_url, restart, 10
            )
        assert not restarter.is_alive()  # the server was restarted mid-run
        assert result.exit_code == 0, result.output
        assert codes == [0, 0], [worker.log_tail() for worker in workers]
        report = filled_like(result, remote, local, files)
        results = rows(database_url, "SELECT request_id FROM fill_results")
        assert len(results) == files == len({r[0] for r in results})
        applied = rows(database_url, "SELECT applied_at FROM fill_requests")
        assert len(applied) == files and all(a[0] is not None for a in applied)  # each file written once
        assert report["metrics"]["stubs_filled"] == files, report["metrics"]  # every attempt reached the store
        assert all(intent["success"] for intent in report["executed_intents"]), report["executed_intents"]
    finally:
        server.remove()


def test_a_runs_token_budget_holds_across_its_workers(tmp_path, monkeypatch, fresh_postgres_url, kafka_broker):
    # each answer costs 220 tokens; two workers of two call slots each: up to four calls start at once, and a
    # worker's next call reads the run's totals first (its own 440 tokens and the other's): at most one more each
    # (three in all when one worker took every request before the other joined)
    remote = make_project(tmp_path / "remote", 8)
    with ThreadedLLMServer(responder(delay_s=0.3)) as server:
        env = worker_env(fresh_postgres_url, kafka_broker.bootstrap, server.openai_url)
        workers = [start_worker(tmp_path / f"worker{i}", env) for i in range(2)]
        try:
            result = submit(monkeypatch, remote, env, "--max-tokens", "500", "--no-cache")
        finally:
            codes = [stop_worker(worker) for worker in workers]
    assert codes == [0, 0]
    assert result.exit_code == 1, result.output  # stubs left unfilled: not done
    report = json.loads(result.stdout)
    assert report["budget_exhausted"]
    statuses = [stub["status"] for stub in report["stubs"]]
    assert 3 <= statuses.count("filled") <= 6, statuses  # all eight when queued requests did not look again
    assert 3 * 220 <= report["prompt_tokens"] + report["completion_tokens"] <= 6 * 220
    (spent,) = rows(fresh_postgres_url, "SELECT tokens_spent FROM run_budgets")[0]
    assert spent == report["prompt_tokens"] + report["completion_tokens"]  # the run's total, from every worker


def test_submit_no_wait_then_collect_writes_each_file_once(tmp_path, monkeypatch, fresh_postgres_url, kafka_broker):
    remote = make_project(tmp_path / "remote", 3)
    with ThreadedLLMServer(responder()) as server:
        env = worker_env(fresh_postgres_url, kafka_broker.bootstrap, server.openai_url)
        sent = submit(monkeypatch, remote, env, "--no-wait")
        assert sent.exit_code == 0, sent.output
        run_id = json.loads(sent.stdout)["run_id"]
        assert "IMPLEMENTATION REQUIRED" in (remote / "src/f_01.py").read_text()  # nothing written yet
        worker = start_worker(tmp_path / "worker", env)
        try:
            first = CliRunner().invoke(app, ["collect", run_id, "--json", "--timeout", "60"], catch_exceptions=False)
        finally:
            assert stop_worker(worker) == 0
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["correlation_id"] == run_id and len(report["modified_files"]) == 3
    filled = {name: (remote / name).read_bytes() for name in report["modified_files"]}
    assert b"return a + b + 1" in filled["src/f_01.py"]
    again = CliRunner().invoke(app, ["collect", run_id, "--json"], catch_exceptions=False)
    assert again.exit_code == 0, again.output  # applied before: not written again (it would be refused as changed)
    assert json.loads(again.stdout)["stubs"] == report["stubs"]
    assert {name: (remote / name).read_bytes() for name in filled} == filled
    unknown = CliRunner().invoke(app, ["collect", str(uuid.uuid4())], catch_exceptions=False)
    assert unknown.exit_code == 2 and "no run" in unknown.output


_RUN_SPECIFIC = {"correlation_id", "total_duration_seconds", "duration_ms", "window_start", "intent_id"}


def comparable(report: dict) -> dict:
    """A fill's JSON report without what differs from one run to the next (ids, times, latencies); the intents
    by kind (a worker runs its file's own)."""

    def strip(value):
        if isinstance(value, dict):
            return {
                key: strip(item)
                for key, item in value.items()
                if key not in _RUN_SPECIFIC and not key.startswith(("latency_", "duration_"))
            }
        if isinstance(value, list):
            return [strip(item) for item in value]
        return value

    intents = {(intent["intent_type"], intent["success"]) for intent in report["executed_intents"]}
    return {**strip({key: item for key, item in report.items() if key != "executed_intents"}), "intents": intents}


def test_fill_submit_gives_a_local_fills_exit_code_and_json(tmp_path, monkeypatch, fresh_postgres_url, kafka_broker):
    """One stub is never answered with valid code (exit 1); then a file that does not parse (exit 2): the same
    report on the workers, by `fill --submit` and by `fill --submit --no-wait` + `fill --collect RUN_ID`."""
    filled = responder()

    def answer(received: Received) -> Reply:
        if re.search(r"\badd_1\b", received.last_user_text):
            return Reply(text="```python\ndef add_1(a: int, b: int) -> int:\n    return (\n```")
        return filled(received)

    with ThreadedLLMServer(answer) as server:
        env = worker_env(fresh_postgres_url, kafka_broker.bootstrap, server.openai_url)
        worker = start_worker(tmp_path / "worker", env)
        try:
            for case, broken in (("failing-stub", False), ("broken-file", True)):
                local, remote = (make_project(tmp_path / f"{side}-{case}", 3) for side in ("local", "remote"))
                for project in (local, remote) if broken else ():
                    (project / "src" / "broken.py").write_text("def broken(:\n    pass\n")
                expected = 2 if broken else 1
                here = fill_locally(monkeypatch, local, server.openai_url, "--no-cache", exit_code=expected)
                if broken:
                    sent = submit(monkeypatch, remote, env, "--no-cache", "--no-wait", command="fill")
                    assert sent.exit_code == 0, sent.output
                    run_id = json.loads(sent.stdout)["run_id"]
                    there = CliRunner().invoke(
                        app, ["fill", "--collect", run_id, "--json", "--timeout", "90"], catch_exceptions=False
                    )
                else:
                    there = submit(monkeypatch, remote, env, "--no-cache", command="fill")
                assert there.exit_code == expected, there.output
                assert comparable(json.loads(there.stdout)) == comparable(json.loads(here.stdout)), case
                for name in ("src/f_00.py", "src/f_01.py", "src/f_02.py", "src/broken.py")[: 4 if broken else 3]:
                    assert (remote / name).read_bytes() == (local / name).read_bytes(), (case, name)
        finally:
            code = stop_worker(worker)
    assert code == 0
