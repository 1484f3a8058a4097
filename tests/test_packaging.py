"""`pip install .` with no extras, in a fresh virtual environment, gives a `nodegen` whose every command runs and
exits as the README's table says (no import of an undeclared dependency: jinja2 once came only through an extra)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.llm_server import Reply, ThreadedLLMServer
from tests.support.scaffold_answers import SPECS

ROOT = Path(__file__).resolve().parent.parent
STUB = 'def add(a: int, b: int) -> int:\n    """Sum."""\n    # IMPLEMENTATION REQUIRED\n    pass\n'
ANSWER = "```python\ndef add(a: int, b: int) -> int:\n    return a + b\n```"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def installed(tmp_path_factory) -> Path:
    """The bin folder of a fresh venv (no system site-packages) with nodegen installed from this tree, no extras."""
    venv = tmp_path_factory.mktemp("plain-install") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    completed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return venv / "bin"


def nodegen(bin_dir: Path, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value for key, value in os.environ.items() if not key.startswith(("NODEGEN_", "OPENAI_", "ANTHROPIC_"))
    }
    completed = subprocess.run(
        [str(bin_dir / "nodegen"), *args],
        cwd=cwd,
        env={**clean, "COLUMNS": "200", **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert "Traceback" not in completed.stderr, completed.stderr
    return completed


def test_the_plain_install_has_no_extras(installed):
    probe = "import importlib.util as u; print([m for m in ('llama_cpp', 'pytest') if u.find_spec(m)])"
    completed = subprocess.run([str(installed / "python"), "-c", probe], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "[]"
    assert "include-system-site-packages = false" in (installed.parent / "pyvenv.cfg").read_text()


def test_every_command_runs_from_a_plain_install(installed, tmp_path):
    (tmp_path / "m.py").write_text(STUB)
    (tmp_path / "empty.jsonl").write_text("")
    assert nodegen(installed, tmp_path, "--help").returncode == 0
    assert nodegen(installed, tmp_path, "--version").stdout.startswith("nodegen ")
    assert nodegen(installed, tmp_path, "stubs", "m.py").returncode == 1
    assert nodegen(installed, tmp_path, "stubs", "missing.py").returncode == 2
    assert nodegen(installed, tmp_path, "check", "m.py").returncode == 0
    assert nodegen(installed, tmp_path, "fill", "m.py", "--llm", "replay:empty.jsonl").returncode == 1

    # record from a loopback OpenAI-compatible server, then replay into a fresh copy: every stub filled
    record = tmp_path / "answers.jsonl"
    with ThreadedLLMServer(lambda received: Reply(text=ANSWER)) as server:
        recorded = nodegen(
            installed,
            tmp_path,
            "fill",
            "m.py",
            "--llm",
            "openai:gpt-4o-mini",
            "--record",
            str(record),
            OPENAI_BASE_URL=server.openai_url,
            OPENAI_API_KEY="sk-plain",
        )
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    replayed_dir = tmp_path / "replayed"
    replayed_dir.mkdir()
    (replayed_dir / "m.py").write_text(STUB)
    replayed = nodegen(installed, replayed_dir, "fill", "m.py", "--llm", f"replay:{record}", "--json")
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert [s["status"] for s in json.loads(replayed.stdout)["stubs"]] == ["filled"]
    assert "return a + b" in (replayed_dir / "m.py").read_text()

    (tmp_path / "empty.jsonl").write_text("")
    spec = str(SPECS / "data_processor.yaml")
    new = nodegen(installed, tmp_path, "new", "--spec", spec, "--llm", "replay:empty.jsonl")
    assert new.returncode == 1  # the empty replay fails the stub; the package is still rendered, checked and tested
    assert (tmp_path / "data_processor_effect" / "v1_0_0" / "node.py").is_file()
    drafted = nodegen(installed, tmp_path, "new", "Generate a data processor effect node", "--llm", "replay:empty.jsonl")
    assert drafted.returncode == 1 and "no model could be asked" in drafted.stdout  # the keyword draft, said so
    assert nodegen(installed, tmp_path, "new", "a node", "--type", "gadget", "--llm", "replay:x").returncode == 2

    metrics = nodegen(installed, tmp_path, "metrics", "--json")
    assert metrics.returncode == 0 and json.loads(metrics.stdout)["runs"] >= 2
    assert nodegen(installed, tmp_path, "metrics", NODEGEN_METRICS_WINDOW_SECONDS="0").returncode == 2
