"""`nodegen stubs PATH...`: a table or JSON, exit code 0 (none), 1 (found), 2 (bad input or configuration)."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nodegen.cli import app

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
STUB = "def f():\n    # IMPLEMENTATION REQUIRED: do it\n    pass\n"


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_bundled_example_has_its_three_stubs(runner, project):
    result = runner.invoke(app, ["stubs", "--json", str(EXAMPLES)])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    found = [stub["qualified_name"] for item in report["files"] for stub in item["stubs"]]
    assert found == [
        "normalize_whitespace",
        "NodeWordFrequencyCompute._tokenize",
        "NodeWordFrequencyCompute._top_words",
    ]
    assert report["errors"] == 0


def test_table_shows_file_line_name_and_note(runner, project):
    (project / "mod.py").write_text("x = 1\n\n" + STUB)
    result = runner.invoke(app, ["stubs", "mod.py"])
    assert result.exit_code == 1
    assert "mod.py" in result.stdout
    assert "3" in result.stdout and "f" in result.stdout and "do it" in result.stdout
    assert "1 stub(s) in 1 of 1 file(s) scanned." in result.stdout


def test_no_stubs_exits_zero(runner, project):
    (project / "done.py").write_text("def f():\n    return 1\n")
    (project / "__init__.py").write_text("")
    result = runner.invoke(app, ["stubs", "."])
    assert result.exit_code == 0
    assert "No stubs found in 2 file(s) scanned." in result.stdout


def test_a_file_that_does_not_parse_exits_two_and_says_where(runner, project):
    (project / "ok.py").write_text(STUB)
    (project / "bad.py").write_text("def broken(:\n    pass\n")
    result = runner.invoke(app, ["stubs", "--json", "."])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    bad = next(item for item in report["files"] if item["path"].endswith("bad.py"))
    assert "syntax error at line 1" in bad["error"]
    assert bad["error_code"] == "ONEX_CORE_006_VALIDATION_ERROR"
    assert report["total_stubs"] == 1


def test_missing_path_exits_two(runner, project):
    result = runner.invoke(app, ["stubs", "missing.py"])
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr


def test_pattern_option_replaces_the_markers(runner, project):
    (project / "m.py").write_text("def a():\n    # FILL\n    pass\n\n" + STUB)
    result = runner.invoke(app, ["stubs", "--json", "-p", "# FILL", "m.py"])
    assert [stub["name"] for stub in json.loads(result.stdout)["files"][0]["stubs"]] == ["a"]


def test_include_not_implemented_option(runner, project):
    (project / "m.py").write_text("def a():\n    raise NotImplementedError\n")
    assert runner.invoke(app, ["stubs", "m.py"]).exit_code == 0
    assert runner.invoke(app, ["stubs", "--include-not-implemented", "m.py"]).exit_code == 1


def test_configuration_from_pyproject_is_used(runner, project):
    (project / "pyproject.toml").write_text('[tool.nodegen]\nstub_extraction_patterns = ["# FILL"]\n')
    (project / "m.py").write_text("def a():\n    # FILL\n    pass\n\n" + STUB)
    result = runner.invoke(app, ["stubs", "--json", "m.py"])
    assert [stub["name"] for stub in json.loads(result.stdout)["files"][0]["stubs"]] == ["a"]


def test_invalid_configuration_exits_two_naming_the_key(runner, project):
    (project / "pyproject.toml").write_text("[tool.nodegen]\nunknown_key = 1\n")
    (project / "m.py").write_text(STUB)
    result = runner.invoke(app, ["stubs", "m.py"])
    assert result.exit_code == 2
    assert "unknown_key" in result.stderr


def test_version(runner):
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("nodegen ")


def test_console_script_runs_as_a_module(project):
    (project / "m.py").write_text(STUB)
    completed = subprocess.run(
        [sys.executable, "-m", "nodegen", "stubs", "m.py"], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 1, completed.stderr
    assert "m.py" in completed.stdout


def test_demo_command_from_the_readme_lists_the_example(project):
    nodegen = shutil.which("nodegen", path=str(Path(sys.executable).parent))
    assert nodegen is not None
    completed = subprocess.run([nodegen, "stubs", str(EXAMPLES)], capture_output=True, text=True, check=False)
    assert completed.returncode == 1
    assert "NodeWordFrequencyCompute._tokenize" in completed.stdout
