"""`nodegen new`: a prompt in, a package out that passes `nodegen check` and its own tests; recorded from a loopback
server, then generated again with the replay provider; with the scaffold alone its stub tests fail as expected."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nodegen.cli import app
from tests.support.llm_server import ThreadedLLMServer
from tests.support.scaffold_answers import scaffold_responder

PROMPTS = {
    "effect": ("Generate a data processor effect node", "data_processor_effect", "NodeDataProcessorEffect"),
    "compute": ("Generate a statistics compute node", "statistics_compute", "NodeStatisticsCompute"),
    "reducer": (
        "Generate a sales aggregation reducer node",
        "sales_aggregation_reducer",
        "NodeSalesAggregationReducer",
    ),
    "orchestrator": (
        "Generate a deployment workflow orchestrator node",
        "deployment_workflow_orchestrator",
        "NodeDeploymentWorkflowOrchestrator",
    ),
}


def new(monkeypatch, cwd: Path, *args: str, **env: str):
    monkeypatch.chdir(cwd)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return CliRunner().invoke(app, ["new", *args], catch_exceptions=False)


@pytest.mark.parametrize("kind", list(PROMPTS))
def test_a_package_per_node_type_is_generated_checked_and_tested(tmp_path, monkeypatch, kind):
    prompt, package, class_name = PROMPTS[kind]
    record = tmp_path / "answers.jsonl"
    (tmp_path / "recorded").mkdir()
    with ThreadedLLMServer(scaffold_responder) as server:
        recorded = new(
            monkeypatch,
            tmp_path / "recorded",
            prompt,
            "--llm",
            "openai:gpt-4o-mini",
            "--json",
            OPENAI_BASE_URL=server.openai_url,
            OPENAI_API_KEY="sk-test-new",
            NODEGEN_LLM_RECORD=str(record),
        )
    assert recorded.exit_code == 0, recorded.output
    report = json.loads(recorded.stdout)
    assert report["scaffold"]["requirements"]["source"] == "llm"
    monkeypatch.delenv("NODEGEN_LLM_RECORD")

    (tmp_path / "replayed").mkdir()
    replayed = new(monkeypatch, tmp_path / "replayed", prompt, "--llm", f"replay:{record}", "--json")
    assert replayed.exit_code == 0, replayed.output
    result = json.loads(replayed.stdout)
    scaffold = result["scaffold"]
    assert scaffold["requirements"]["node_type"] == kind and scaffold["requirements"]["source"] == "keywords"
    assert scaffold["check_errors"] == [] and scaffold["tests"]["passed"], scaffold["tests"]["output_tail"]
    assert scaffold["check_warnings"] == 0  # the scaffold, its tests and the filled body pass nodegen's own checks
    assert "Warning" not in scaffold["tests"]["output_tail"]
    assert [s["status"] for s in result["stubs"]] == ["filled"]
    assert len(result["generated_files"]) >= 3
    root = tmp_path / "replayed" / package / "v1_0_0"
    for name in ("node.py", "contract.yaml", "tests/test_node.py", "README.md", "models/__init__.py"):
        assert (root / name).is_file(), name
    assert f"class {class_name}(" in (root / "node.py").read_text()
    # both runs wrote the same package
    for path in (tmp_path / "recorded" / package).rglob("*.py"):
        if "__pycache__" not in path.parts:
            assert path.read_text() == (tmp_path / "replayed" / path.relative_to(tmp_path / "recorded")).read_text()


def test_the_scaffold_alone_imports_and_its_stub_tests_fail(tmp_path, monkeypatch):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    result = new(monkeypatch, tmp_path, "Generate a data processor effect node", "--llm", f"replay:{empty}", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [s["status"] for s in report["stubs"]] == ["failed"]
    tests = report["scaffold"]["tests"]
    assert not tests["passed"] and "4 failed, 1 passed" in tests["output_tail"]  # only the invalid request passes
    imported = subprocess.run(
        [sys.executable, "-c", "import data_processor_effect.v1_0_0 as p; print(p.NodeDataProcessorEffect.__name__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert imported.stdout.strip() == "NodeDataProcessorEffect"


def test_an_existing_package_is_not_overwritten_without_force(tmp_path, monkeypatch):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    args = ["Generate a data processor effect node", "--llm", f"replay:{empty}", "--json"]
    assert new(monkeypatch, tmp_path, *args).exit_code == 1
    marker = tmp_path / "data_processor_effect" / "v1_0_0" / "mine.txt"
    marker.write_text("keep")
    refused = new(monkeypatch, tmp_path, *args)
    assert refused.exit_code == 2 and "exists already" in refused.output
    assert new(monkeypatch, tmp_path, *args, "--force").exit_code == 1
    assert marker.read_text() == "keep"


def test_names_that_are_not_identifiers_are_refused(tmp_path, monkeypatch):
    result = new(monkeypatch, tmp_path, "a node", "--name", "my-node", "--llm", "replay:x.jsonl")
    assert result.exit_code == 2 and "PascalCase" in result.output
    result = new(monkeypatch, tmp_path, "a node", "--type", "gadget", "--llm", "replay:x.jsonl")
    assert result.exit_code == 2 and "unknown node type" in result.output
