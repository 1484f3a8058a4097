"""`nodegen check PATH...`: findings grouped by file, JSON, SARIF 2.1.0, exit codes, --select/--ignore."""

import json

import pytest
from typer.testing import CliRunner

from nodegen.cli import app

CLEAN = 'def add(a: int, b: int) -> int:\n    """Sum."""\n    return a + b\n'
BROKEN = 'import os\n\n\ndef run(cmd: str) -> None:\n    """Run it."""\n    os.system(cmd)\n'


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "clean.py").write_text(CLEAN)
    return tmp_path


def test_clean_code_exits_zero(project):
    result = CliRunner().invoke(app, ["check", "clean.py"])
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s) in 1 file(s)." in result.stdout


def test_an_error_exits_one_and_shows_the_line(project):
    (project / "bad.py").write_text(BROKEN)
    result = CliRunner().invoke(app, ["check", "."])
    assert result.exit_code == 1
    assert "bad.py\n" in result.stdout
    assert "6:5      error   B605" in result.stdout
    assert "| os.system(cmd)" in result.stdout


def test_json_report(project):
    (project / "bad.py").write_text(BROKEN)
    report = json.loads(CliRunner().invoke(app, ["check", "--format", "json", "."]).stdout)
    bad = next(item for item in report["files"] if item["path"].endswith("bad.py"))
    assert [error["code"] for error in bad["errors"]] == ["B605"]
    assert report["total_errors"] == 1 and report["files_checked"] == 2


def test_sarif_report(project):
    (project / "bad.py").write_text(BROKEN)
    sarif = json.loads(CliRunner().invoke(app, ["check", "--format", "sarif", "bad.py"]).stdout)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    assert run["tool"]["driver"]["name"] == "nodegen"
    (result,) = [r for r in run["results"] if r["ruleId"] == "B605"]
    assert result["level"] == "error"
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "bad.py"},
        "region": {"startLine": 6, "startColumn": 5},
    }
    assert {rule["id"] for rule in run["tool"]["driver"]["rules"]} >= {"B605"}


def test_ignore_and_select(project):
    (project / "bad.py").write_text(BROKEN)
    assert CliRunner().invoke(app, ["check", "--ignore", "B6,B4", "bad.py"]).exit_code == 0
    selected = json.loads(CliRunner().invoke(app, ["check", "--format", "json", "--select", "B605", "bad.py"]).stdout)
    assert [e["code"] for e in selected["files"][0]["errors"]] == ["B605"] and selected["total_warnings"] == 0


def test_strict_fails_on_warnings(project):
    (project / "untyped.py").write_text('def f(a):\n    """Doc."""\n    return a\n')
    assert CliRunner().invoke(app, ["check", "untyped.py"]).exit_code == 0
    assert CliRunner().invoke(app, ["check", "--strict", "untyped.py"]).exit_code == 1


def test_a_file_that_does_not_parse_is_bad_input_and_a_finding(project):
    (project / "broken.py").write_text("def f(:\n")
    result = CliRunner().invoke(app, ["check", "broken.py"])
    assert result.exit_code == 2
    assert "SYN001" in result.stdout


def test_a_file_that_cannot_be_read_is_not_summed_up_as_clean(project):
    # The probe: `nodegen check` listed the file's error, then printed `0 error(s)`.
    (project / "cafe.py").write_bytes(b'x = "caf\xe9"\n')
    result = CliRunner().invoke(app, ["check", "cafe.py", "clean.py"])
    assert result.exit_code == 2
    assert "0 error(s), 0 warning(s) in 1 file(s); 1 file(s) could not be checked (above)." in result.stdout


def test_a_latin_1_file_with_non_ascii_names_is_checked_by_every_rule(project):
    # The probe: every stub of such a file failed with CHK001 "bandit checker could not run", fix "install bandit".
    source = '# -*- coding: latin-1 -*-\n\n\ndef pr\xe9nom(n: str) -> str:\n    """Upper case."""\n    return n.upper()\n'
    (project / "names.py").write_bytes(source.encode("latin-1"))
    result = CliRunner().invoke(app, ["check", "names.py"])
    assert result.exit_code == 0, result.stdout
    assert "CHK001" not in result.stdout


def test_a_node_package_is_checked_with_its_contract(project):
    folder = project / "thing_effect" / "v1_0_0"
    folder.mkdir(parents=True)
    (folder / "node.py").write_text(
        "class NodeThingEffect(NodeEffect):\n    def __init__(self, container):\n        super().__init__(container)\n\n"
        "    async def _run(self, contract):\n        print('x')\n"
    )
    (folder / "contract.yaml").write_text("name: thing_effect\n")
    report = json.loads(
        CliRunner().invoke(app, ["check", "--format", "json", "--rules", "onex_compliance", str(folder)]).stdout
    )
    codes = {error["code"] for error in report["files"][0]["errors"]}
    assert {"ONEX007", "ONEX012"} <= codes
