"""`nodegen fill` never reports a stub as filled when its code is not in the file: refused writes (a live lock, a
second run at the same time, a file edited while the model was answering) are failures with the injector's message,
exit code 1, and the generated code kept in the result. Real `nodegen` processes against a loopback model server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.support.llm_server import Reply, ThreadedLLMServer

pytestmark = pytest.mark.slow  # each test starts real `nodegen` processes

CALC = '''def add(a: int, b: int) -> int:
    """The sum."""
    # IMPLEMENTATION REQUIRED
    pass
'''
ANSWER = "```python\ndef add(a: int, b: int) -> int:\n    return a + b\n```"


def fill(where: Path, server_url: str, *args: str, state: str = ".nodegen") -> subprocess.Popen[str]:
    environment = {
        **os.environ,
        "OPENAI_BASE_URL": server_url,
        "OPENAI_API_KEY": "sk-test-refusals",
        "NODEGEN_STATE_DIR": str(where / state),
        "NODEGEN_LLM_MAX_RETRIES": "0",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nodegen",
            "fill",
            "calc.py",
            "--json",
            "--no-cache",
            "--llm",
            "openai:gpt-4o-mini",
            *args,
        ],
        cwd=where,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(process: subprocess.Popen[str]) -> tuple[int, dict]:
    out, err = process.communicate(timeout=120)
    assert out, err
    return process.returncode, json.loads(out)


def test_a_lock_held_by_a_live_process_fails_the_stub_and_keeps_its_code(tmp_path):
    (tmp_path / "calc.py").write_text(CALC)
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / "calc.py.nodegen-lock").write_text(f"{holder.pid}\n")
        with ThreadedLLMServer(lambda received: Reply(text=ANSWER)) as server:
            code, report = finished(fill(tmp_path, server.openai_url))
    finally:
        holder.kill()
        holder.wait()
    assert code == 1 and report["success"] is False
    (stub,) = report["stubs"]
    assert stub["status"] == "failed"
    assert f"another nodegen run (process {holder.pid}) is writing" in stub["message"]
    assert "return a + b" in stub["generated_code"] and "stubs[].generated_code" in stub["message"]
    (file,) = report["files"]
    assert file["written_to"] is None and "is writing" in file["error"]
    assert report["modified_files"] == []
    assert (tmp_path / "calc.py").read_text() == CALC


def test_a_file_edited_while_the_model_answers_is_not_written_and_the_stub_fails(tmp_path):
    calc = tmp_path / "calc.py"
    calc.write_text(CALC)
    edited = CALC + "\n\nEDITED = True\n"

    def edit_then_answer(received):
        calc.write_text(edited)  # the user saves the file while the fill is in flight
        return Reply(text=ANSWER)

    with ThreadedLLMServer(edit_then_answer) as server:
        code, report = finished(fill(tmp_path, server.openai_url))
    assert code == 1 and report["success"] is False
    (stub,) = report["stubs"]
    assert stub["status"] == "failed" and "changed on disk since it was read" in stub["message"]
    assert "return a + b" in stub["generated_code"]
    assert calc.read_text() == edited


def test_two_fills_of_one_file_at_once_fill_it_once_and_the_other_says_so(tmp_path):
    calc = tmp_path / "calc.py"
    calc.write_text(CALC)
    with ThreadedLLMServer(lambda received: Reply(text=ANSWER, delay_s=1.5)) as server:
        runs = [fill(tmp_path, server.openai_url, state=f".nodegen-{n}") for n in (1, 2)]
        results = [finished(run) for run in runs]
    assert sorted(code for code, _ in results) == [0, 1]
    (winner,) = [report for code, report in results if code == 0]
    (loser,) = [report for code, report in results if code == 1]
    assert winner["success"] and winner["stubs"][0]["status"] == "filled"
    assert loser["success"] is False and loser["stubs"][0]["status"] == "failed"
    assert "changed on disk" in loser["stubs"][0]["message"] or "is writing" in loser["stubs"][0]["message"]
    assert calc.read_text().count("return a + b") == 1
    assert sorted(item.name for item in tmp_path.iterdir() if not item.name.startswith(".nodegen")) == ["calc.py"]


def test_a_dry_run_reports_filled_only_for_code_in_the_diff(tmp_path):
    (tmp_path / "calc.py").write_text(CALC)
    with ThreadedLLMServer(lambda received: Reply(text=ANSWER)) as server:
        code, report = finished(fill(tmp_path, server.openai_url, "--dry-run"))
    assert code == 0 and report["success"]
    assert report["stubs"][0]["status"] == "filled"
    assert "+    return a + b\n" in report["files"][0]["diff"]
    assert (tmp_path / "calc.py").read_text() == CALC
