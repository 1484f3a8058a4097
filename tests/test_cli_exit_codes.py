"""Every command follows the README's exit-code table: 0 all filled / clean / nothing to do, 1 something refused or
failed (`stubs`: stubs left to fill, `check`: errors found), 2 bad input or configuration."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nodegen.cli import app
from tests.support.llm_server import Reply, ThreadedLLMServer

STUB = 'def add(a: int, b: int) -> int:\n    """Sum."""\n    # IMPLEMENTATION REQUIRED\n    pass\n'
CLEAN = 'def add(a: int, b: int) -> int:\n    """Sum."""\n    return a + b\n'
BROKEN = "def broken(:\n    pass\n"
PARSE_ERROR = "syntax error at line 1, column 12: invalid syntax: def broken(:"
ANSWER = "```python\ndef add(a: int, b: int) -> int:\n    return a + b\n```"


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.jsonl").write_text("")
    return tmp_path


def run(*args: str, **env: str):
    return CliRunner().invoke(app, list(args), env=env)


def flat(text: str) -> str:
    """Text as one line (rich wraps long lines at the terminal width)."""
    return " ".join(text.split())


def replay(*args: str):
    return run(*args, "--llm", "replay:empty.jsonl")


# --- stubs -----------------------------------------------------------------------------------------------------------


def test_stubs_codes(project):
    (project / "clean.py").write_text(CLEAN)
    (project / "stub.py").write_text(STUB)
    (project / "bad.py").write_text(BROKEN)
    assert run("stubs", "clean.py").exit_code == 0
    assert run("stubs", "stub.py").exit_code == 1
    broken = run("stubs", "bad.py")
    assert broken.exit_code == 2 and f"bad.py: {PARSE_ERROR}" in flat(broken.stderr)
    assert run("stubs", "missing.py").exit_code == 2
    assert run("stubs", "clean.py", NODEGEN_MAX_FILE_BYTES="10").exit_code == 2
    assert run("stubs", "clean.py", NODEGEN_MAX_FILE_BYTES="zero").exit_code == 2
    assert run("stubs").exit_code == 2  # a usage error


# --- check -----------------------------------------------------------------------------------------------------------


def test_check_codes(project):
    (project / "clean.py").write_text(CLEAN)
    (project / "unsafe.py").write_text(
        'import os\n\n\ndef run(cmd: str) -> None:\n    """Run."""\n    os.system(cmd)\n'
    )
    (project / "bad.py").write_text(BROKEN)
    assert run("check", "clean.py").exit_code == 0
    assert run("check", "unsafe.py").exit_code == 1
    broken = run("check", "bad.py")
    assert broken.exit_code == 2 and "SYN001" in broken.stdout  # bad input, and still reported as a finding
    assert run("check", "missing.py").exit_code == 2
    over = run("check", "clean.py", NODEGEN_MAX_FILE_BYTES="10")
    assert over.exit_code == 2 and "over the limit of 10 bytes" in flat(over.stdout)
    assert run("check", "clean.py", NODEGEN_VALIDATION_SEVERITY='{"TYP": "loud"}').exit_code == 2


# --- fill ------------------------------------------------------------------------------------------------------------


def test_fill_with_nothing_to_do_exits_0(project):
    (project / "clean.py").write_text(CLEAN)
    assert replay("fill", "clean.py").exit_code == 0


def test_fill_that_fills_every_stub_exits_0_and_one_that_fails_exits_1(project):
    (project / "stub.py").write_text(STUB)
    with ThreadedLLMServer(lambda received: Reply(text=ANSWER)) as server:
        filled = run(
            "fill", "stub.py", "--llm", "openai:gpt-4o-mini", OPENAI_BASE_URL=server.openai_url, OPENAI_API_KEY="sk-x"
        )
    assert filled.exit_code == 0, filled.output
    assert "return a + b" in (project / "stub.py").read_text()
    (project / "stub.py").write_text(STUB)
    failed = replay("fill", "stub.py")
    assert failed.exit_code == 1 and "0 filled, 1 failed" in failed.stdout


def test_fill_and_stubs_give_the_same_code_and_message_for_a_file_that_does_not_parse(project):
    (project / "bad.py").write_text(BROKEN)
    (project / "stub.py").write_text(STUB)
    stubs = run("stubs", "bad.py", "stub.py")
    fill = replay("fill", "bad.py", "stub.py")
    assert stubs.exit_code == fill.exit_code == 2
    assert f"error bad.py: {PARSE_ERROR}" in flat(stubs.stderr)
    assert f"error bad.py: {PARSE_ERROR}" in flat(fill.stdout)
    report = json.loads(replay("fill", "--json", "bad.py").stdout)
    assert report["files"] == [{**report["files"][0], "file_path": "bad.py", "error": PARSE_ERROR, "bad_input": True}]


def test_fill_bad_input_and_configuration_exit_2(project):
    (project / "stub.py").write_text(STUB)
    assert replay("fill", "missing_dir").exit_code == 2
    over = replay("fill", "stub.py", "--json")
    assert over.exit_code == 1  # under the limit: the empty replay fails the stub
    over = run("fill", "stub.py", "--llm", "replay:empty.jsonl", NODEGEN_MAX_FILE_BYTES="10")
    assert over.exit_code == 2 and "over the limit of 10 bytes (the max_file_bytes setting)" in flat(over.stdout)
    assert (project / "stub.py").read_text() == STUB
    assert run("fill", "stub.py", "--llm", "nonsense-provider").exit_code == 2
    assert replay("fill", "stub.py", "--max-attempts", "0").exit_code == 2  # a usage error


# --- special files and symlinks, for stubs, check and fill -------------------------------------------------------------


@pytest.mark.timeout(60)
@pytest.mark.parametrize("command", ["stubs", "check", "fill"])
def test_a_fifo_named_on_the_command_line_exits_2_without_blocking(project, command):
    os.mkfifo(project / "pipe.py")
    result = replay(command, "pipe.py") if command == "fill" else run(command, "pipe.py")
    assert result.exit_code == 2
    assert "pipe.py is a FIFO (named pipe), not a file" in flat(result.stderr)


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("command", "code"), [("stubs", 0), ("check", 0), ("fill", 0)])
def test_fifos_and_symlink_loops_in_a_walked_folder_are_skipped_with_a_note(project, command, code):
    src = project / "src"
    src.mkdir()
    (src / "clean.py").write_text(CLEAN)
    os.mkfifo(src / "pipe.py")
    (src / "self.py").symlink_to("self.py")
    (src / "loop").symlink_to("loop")
    result = replay(command, "src") if command == "fill" else run(command, "src")
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    notes = flat(result.stderr if command != "fill" else result.stdout)
    assert "skipped src/pipe.py: a FIFO (named pipe), not a file: not opened" in notes
    assert "skipped src/self.py: a symlink loop" in notes and "skipped src/loop: a symlink loop" in notes


def test_a_symlink_out_of_the_walked_folder_is_refused_unless_named(project):
    outside = project / "outside"
    outside.mkdir()
    (outside / "theirs.py").write_text(STUB)
    src = project / "src"
    src.mkdir()
    (src / "mine.py").write_text(CLEAN)
    (src / "theirs.py").symlink_to(outside / "theirs.py")
    with ThreadedLLMServer(lambda received: Reply(text=ANSWER)) as server:
        env = {"OPENAI_BASE_URL": server.openai_url, "OPENAI_API_KEY": "sk-x"}
        refused = run("fill", "src", "--llm", "openai:gpt-4o-mini", "--json", **env)
        assert refused.exit_code == 1
        report = json.loads(refused.stdout)
        assert not report["success"] and report["stubs"] == []
        (note,) = report["skipped_paths"]
        assert note["path"] == "src/theirs.py" and note["kind"] == "refused"
        assert "outside src" in note["message"] and "name it on the command line" in note["message"]
        assert (outside / "theirs.py").read_text() == STUB  # nothing written through the link
        assert run("stubs", "src").exit_code == 1 and run("check", "src").exit_code == 1
        named = run("fill", "src/theirs.py", "--llm", "openai:gpt-4o-mini", **env)
    assert named.exit_code == 0, named.output
    assert "return a + b" in (outside / "theirs.py").read_text()


# --- new and metrics -------------------------------------------------------------------------------------------------


def test_new_codes(project):
    assert replay("new", "a node", "--name", "my-node").exit_code == 2
    assert replay("new", "a node", "--type", "gadget").exit_code == 2
    assert run("new", "a node", "--llm", "replay:empty.jsonl", NODEGEN_MAX_ATTEMPTS="zero").exit_code == 2
    failed = replay("new", "Generate a data processor effect node", "--json")
    assert failed.exit_code == 1  # the empty replay fails the stub


def test_metrics_codes(project):
    assert run("metrics").exit_code == 0  # an empty store: nothing to do
    assert run("metrics", NODEGEN_METRICS_WINDOW_SECONDS="0").exit_code == 2


@pytest.mark.parametrize("command", [["metrics"], ["fill", "stub.py", "--llm", "replay:empty.jsonl"]])
def test_a_database_url_of_an_unknown_scheme_exits_2_and_creates_nothing(project, command):
    (project / "stub.py").write_text(STUB)
    result = run(*command, NODEGEN_DATABASE_URL="mysql://x")
    assert result.exit_code == 2
    assert "database_url mysql://... is not a database nodegen can use" in flat(result.output)
    assert not (project / "mysql:").exists()
    assert (project / "stub.py").read_text() == STUB


@pytest.mark.parametrize("command", [["stubs", "stub.py"], ["check", "stub.py"], ["metrics"]])
def test_a_misspelt_setting_exits_2_naming_the_setting_it_resembles(project, command):
    (project / "stub.py").write_text(STUB)
    (project / "pyproject.toml").write_text("[tool.nodegen]\nmax_atempts = 2\n")
    result = run(*command)
    assert result.exit_code == 2
    assert "unknown key 'max_atempts' (did you mean 'max_attempts'?)" in flat(result.output)


# Runs nodegen with llama_cpp unimportable, as on a machine where `pip install 'nodegen[local]'` never ran.
_WITHOUT_LLAMA_CPP = """
import sys
sys.modules["llama_cpp"] = None  # `import llama_cpp` now raises ImportError
from nodegen.cli import main
sys.argv = ["nodegen", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("llm", ["local", "gguf:model.gguf"])
def test_fill_with_a_local_model_but_no_llama_cpp_exits_2_saying_how_to_install_it(project, llm):
    (project / "stub.py").write_text(STUB)
    (project / "model.gguf").write_bytes(b"GGUF")
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_LLAMA_CPP, "fill", "stub.py", "--llm", llm],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "COLUMNS": "300"},
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "llama-cpp-python, which is not installed: `pip install 'nodegen[local]'`" in flat(done.stderr)
    assert (project / "stub.py").read_text() == STUB


# --- a 20 MB file ------------------------------------------------------------------------------------------------------


def big_module(target_bytes: int) -> str:
    """Classes of ten methods each, one of them a stub."""
    method = (
        "    def method_{j}(self, value: int, name: str = 'x') -> int:\n"
        '        """Compute {j}."""\n'
        "        total = value + {j} * len(name)\n"
        "        for k in range(3):\n"
        "            total += k\n"
        "        return total\n\n"
    )
    stub = (
        "    def method_3(self, value: int, name: str = 'x') -> int:\n"
        '        """Compute 3."""\n'
        "        # IMPLEMENTATION REQUIRED: combine value and name\n"
        "        pass\n\n"
    )
    parts, size, i = ['"""A large module."""\n\nimport os\n\n'], 0, 0
    while size < target_bytes:
        body = "".join(stub if j == 3 else method.format(j=j) for j in range(10))
        parts.append(f'class Service{i}:\n    """Service {i}."""\n\n    limit: int = {i}\n\n{body}\n')
        size += len(parts[-1])
        i += 1
    return "".join(parts)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/usr/bin/time").exists(), reason="GNU time measures the peak memory")
def test_stubs_on_a_20_mb_file_is_refused_by_default_and_stays_under_1_gb_when_allowed(project):
    (project / "big.py").write_text(big_module(20_000_000))
    nodegen = shutil.which("nodegen", path=str(Path(sys.executable).parent))
    assert nodegen is not None
    refused = subprocess.run([nodegen, "stubs", "big.py"], capture_output=True, text=True, check=False)
    assert refused.returncode == 2 and "over the limit of 5,000,000 bytes" in refused.stderr
    env = {**os.environ, "NODEGEN_MAX_FILE_BYTES": "30000000"}
    measured = subprocess.run(
        ["/usr/bin/time", "-v", nodegen, "stubs", "--json", "big.py"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=600,
    )
    assert measured.returncode == 1, measured.stderr[-2000:]
    report = json.loads(measured.stdout)
    assert report["total_stubs"] == len(report["files"][0]["stubs"]) > 9_000
    peak_kb = next(
        int(line.split(":")[1]) for line in measured.stderr.splitlines() if "Maximum resident set size" in line
    )
    assert peak_kb < 1_000_000, f"peak RSS {peak_kb} kB"
