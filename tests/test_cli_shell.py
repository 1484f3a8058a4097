"""One shell for every command (``nodegen.cli_shell``): one exit-status rule, one way to fail on bad input (the error
on stderr, exit 2), worker commands included; the refusals of the scale-out commands need no broker to be made."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nodegen.cli import app
from nodegen.cli_shell import ExitCode, exit_status

SRC = Path(__file__).resolve().parent.parent / "src" / "nodegen"
COMMAND_MODULES = ["cli.py", "cli_worker.py", "cli_views.py", "cli_stubs.py"]


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stub.py").write_text('def add(a: int, b: int) -> int:\n    """Sum."""\n    pass\n')
    return tmp_path


def run(*args: str, **env: str):
    return CliRunner().invoke(app, list(args), env=env)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_highest_code_that_applies_wins():
    assert exit_status() is ExitCode.OK
    assert exit_status(not_done=True) is ExitCode.NOT_DONE
    assert exit_status(bad_input=True) is ExitCode.BAD_INPUT
    assert exit_status(bad_input=True, not_done=True) is ExitCode.BAD_INPUT


def test_the_exit_codes_are_the_readmes():
    assert [code.value for code in ExitCode] == [0, 1, 2]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["worker"], "nodegen worker needs kafka_bootstrap (NODEGEN_KAFKA_BOOTSTRAP) and a PostgreSQL database_url"),
        (
            ["fill", "stub.py", "--submit", "--concurrency", "2", "--record", "r.jsonl"],
            "--concurrency, --record cannot be used on the workers (--submit, --collect)",
        ),
        (["fill", "stub.py", "--collect", "RUN"], "--collect RUN_ID takes no paths and no --no-wait"),
        (["fill", "--submit"], "give the files and folders to fill"),
        (["submit", "stub.py"], "nodegen submit needs the workers' broker and database: set kafka_bootstrap"),
    ],
)
def test_a_scale_out_command_on_bad_input_or_configuration_exits_2_with_the_error(project, args, message):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert f"error {message}" in flat(result.stderr)
    assert "Traceback" not in result.output
    assert (project / "stub.py").read_text().endswith("pass\n")  # nothing written


def test_a_request_that_does_not_validate_exits_2_naming_the_field(project):
    result = run("fill", "stub.py", "--max-cost-usd", "-1", "--llm", "replay:x.jsonl")
    assert result.exit_code == 2
    assert flat(result.stderr) == "error max_cost_usd: Input should be greater than 0"


def _calls(module: str) -> list[ast.Call]:
    tree = ast.parse((SRC / module).read_text(encoding="utf-8"))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


@pytest.mark.parametrize("module", COMMAND_MODULES)
def test_no_command_module_writes_its_own_error_exit(module):
    """Exit 2 on bad input is cli_shell's: no command module catches ModelOnexError or exits with a literal code."""
    tree = ast.parse((SRC / module).read_text(encoding="utf-8"))
    handlers = [node for node in ast.walk(tree) if isinstance(node, ast.ExceptHandler)]
    caught = {ast.unparse(handler.type) for handler in handlers if handler.type is not None}
    assert "ModelOnexError" not in caught
    exits = [call for call in _calls(module) if ast.unparse(call.func) in {"typer.Exit", "sys.exit", "SystemExit"}]
    assert all(not isinstance(arg, ast.Constant) for call in exits for arg in call.args)
