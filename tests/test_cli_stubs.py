"""`nodegen stubs PATH...`: a table or JSON, exit code 0 (none), 1 (found), 2 (bad input or configuration)."""

import asyncio
import io
import json
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nodegen import cli_stubs
from nodegen.application import ModelStubsRequest, list_stubs, scan_stubs
from nodegen.cli import app
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0 import extraction

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


def many_stubs(count: int) -> str:
    """A module of ``count`` stubs, each beside an implemented function (the scaling benchmark's blocks)."""
    block = (
        '\n\ndef offset_{i}(value: int) -> int:\n    """Return value plus {i}."""\n    return value + {i}\n'
        '\n\ndef scale_{i}(value: int) -> int:\n    """Return value times {i}."""\n'
        "    # IMPLEMENTATION REQUIRED: note {i}\n    pass\n"
    )
    return '"""Many stubs."""\n\nimport os\n' + "".join(block.format(i=i) for i in range(count))


@pytest.fixture
def mixed(project, monkeypatch):
    """Files of every kind a report holds: stubs, none, empty, unreadable, non-ASCII, windowed, a refused symlink."""
    monkeypatch.setattr(extraction, "WINDOW_CHARS", 2_000)  # big.py is read in windows
    src = project / "src"
    (src / "pkg").mkdir(parents=True)
    (src / "a.py").write_text("x = 1\n\n" + STUB)
    (src / "pkg" / "__init__.py").write_text("")
    (src / "pkg" / "done.py").write_text("def f():\n    return 1\n")
    (src / "pkg" / "bad.py").write_text("def broken(:\n    pass\n")
    (src / "pkg" / "big.py").write_text(many_stubs(300))
    (src / "pkg" / "uni.py").write_text(
        '"""Ünïcode."""\nclass A:\n    """Doc é."""\n\n    @staticmethod\n    def f(a, b="«x»"):\n'
        '        """Résumé."""\n        # IMPLEMENTATION REQUIRED: fix «this»\n        pass\n'
    )
    outside = project / "outside.py"
    outside.write_text(STUB)
    (src / "theirs.py").symlink_to(outside)
    return src


def test_streamed_json_report_is_byte_for_byte_the_whole_report(runner, mixed):
    result = runner.invoke(app, ["stubs", "--json", str(mixed)])
    assert result.exit_code == 2  # bad.py
    report = asyncio.run(scan_stubs(ModelStubsRequest(paths=[mixed])))
    assert result.stdout == json.dumps(report.model_dump(mode="json"), indent=2) + "\n"
    assert report.total_stubs == 302 and report.errors == 1 and report.skipped  # every part of the report is there
    assert [item.path.removeprefix(str(mixed)) for item in report.files if not item.stubs] == [
        "/pkg/__init__.py",
        "/pkg/bad.py",
        "/pkg/done.py",
    ]


def test_an_empty_listing_is_the_whole_report_too(project):
    (project / "done.py").write_text("def f():\n    return 1\n")
    out = io.StringIO()
    asyncio.run(cli_stubs.write_stubs_json(list_stubs(ModelStubsRequest(paths=[project / "done.py"])), out))
    report = asyncio.run(scan_stubs(ModelStubsRequest(paths=[project / "done.py"])))
    assert out.getvalue() == json.dumps(report.model_dump(mode="json"), indent=2) + "\n"


def test_table_of_a_file_with_more_stubs_than_one_table_lists_each_once_in_order(runner, project, monkeypatch):
    monkeypatch.setattr(cli_stubs, "ROWS_PER_TABLE", 7)
    (project / "many.py").write_text(many_stubs(30))
    result = runner.invoke(app, ["stubs", "many.py"])
    assert result.exit_code == 1
    rows = [line.split() for line in result.stdout.splitlines()]
    assert rows[0] == ["many.py"]
    assert [row[1] for row in rows[1:-1]] == [f"scale_{i}" for i in range(30)]
    assert [row[3] for row in rows[1:-1]] == [str(i) for i in range(30)]  # each row keeps its note
    assert result.stdout.splitlines()[-1] == "30 stub(s) in 1 of 1 file(s) scanned."


class _Discard(io.TextIOBase):
    """A text sink that keeps nothing but the count of what it was given."""

    def __init__(self) -> None:
        self.written = 0

    def write(self, text: str) -> int:
        self.written += len(text)
        return len(text)


def test_the_json_report_of_a_large_file_is_written_holding_a_window_not_the_file(project, monkeypatch):
    monkeypatch.setattr(extraction, "WINDOW_CHARS", 10_000)
    (project / "big.py").write_text(many_stubs(2_000))  # about 0.4 MB of source, 5.6 MB of report
    listing = list_stubs(ModelStubsRequest(paths=[project / "big.py"]))
    out = _Discard()
    tracemalloc.start()
    try:
        summary = asyncio.run(cli_stubs.write_stubs_json(listing, out))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.total_stubs == 2_000
    # the whole report at once held its text (and every record, ~4 kB each): streamed, less than the text is held
    assert peak < out.written, f"peak {peak:,} B for {out.written:,} B written"
