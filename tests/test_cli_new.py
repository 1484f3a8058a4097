"""`nodegen new`: a prompt in, a node spec (written by the model, checked by nodegen), a package rendered from it,
its operations filled, its tests passing; recorded from a loopback server and generated again by replay; a spec
reviewed (--spec-only) and given back (--spec); every kind of bad input refused with nothing left behind."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from nodegen.cli import app
from tests.support.llm_server import Reply, ThreadedLLMServer
from tests.support.scaffold_answers import PROMPTS, SPECS, scaffold_responder

PACKAGES = {
    "compute": ("shipping_cost_compute", "NodeShippingCostCompute", 5),
    "effect": ("line_counter_effect", "NodeLineCounterEffect", 3),
    "http": ("invoice_fetcher_effect", "NodeInvoiceFetcherEffect", 4),
    "reducer": ("order_totals_reducer", "NodeOrderTotalsReducer", 4),  # and its intents' test
    "orchestrator": ("deploy_plan_orchestrator", "NodeDeployPlanOrchestrator", 3),
}


def new(monkeypatch, cwd: Path, *args: str, **env: str):
    monkeypatch.chdir(cwd)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return CliRunner().invoke(app, ["new", *args], catch_exceptions=False)


def served(monkeypatch, cwd: Path, server: ThreadedLLMServer, *args: str, **env: str):
    return new(
        monkeypatch, cwd, *args, "--llm", "openai:gpt-4o-mini", OPENAI_BASE_URL=server.openai_url,
        OPENAI_API_KEY="sk-test-new", **env,
    )  # fmt: skip


@pytest.mark.parametrize("kind", list(PACKAGES))
def test_a_package_per_kind_is_specified_generated_and_proven(tmp_path, monkeypatch, kind):
    package, class_name, tests = PACKAGES[kind]
    record = tmp_path / "answers.jsonl"
    (tmp_path / "recorded").mkdir()
    with ThreadedLLMServer(scaffold_responder) as server:
        recorded = served(monkeypatch, tmp_path / "recorded", server, PROMPTS[kind], "--json", NODEGEN_LLM_RECORD=str(record))
    assert recorded.exit_code == 0, recorded.output
    result = json.loads(recorded.stdout)
    scaffold = result["scaffold"]
    assert scaffold["spec_stage"]["written_by"].startswith("openai:gpt-4o-mini")
    assert scaffold["spec_stage"]["valid"] >= 1 and scaffold["failures"] == []
    assert scaffold["check_errors"] == [] and scaffold["tests"]["passed"], scaffold["tests"]["output_tail"]
    assert f"{tests + 2} passed" in scaffold["tests"]["output_tail"]  # one test per example, and the contract's
    assert [s["status"] for s in result["stubs"]] == ["filled"]
    root = tmp_path / "recorded" / package / "v1_0_0"
    for name in ("node.py", "spec.yaml", "contract.yaml", "tests/test_node.py", "README.md", "models/__init__.py"):
        assert (root / name).is_file(), name
    assert f"class {class_name}(" in (root / "node.py").read_text()
    contract = yaml.safe_load((root / "contract.yaml").read_text())
    spec = yaml.safe_load((root / "spec.yaml").read_text())
    assert [op["name"] for op in contract["operations"]] == [op["name"] for op in spec["operations"]]
    assert list(contract["input_state"]) == list(spec["request"])
    monkeypatch.delenv("NODEGEN_LLM_RECORD")

    (tmp_path / "replayed").mkdir()
    replayed = new(monkeypatch, tmp_path / "replayed", PROMPTS[kind], "--llm", f"replay:{record}", "--json")
    assert replayed.exit_code == 0, replayed.output
    for path in (tmp_path / "recorded" / package).rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            again = (tmp_path / "replayed" / path.relative_to(tmp_path / "recorded")).read_text()
            written_by = ("written_by: openai:gpt-4o-mini", "written_by: replay:")  # the spec says who wrote it
            assert path.read_text().split(written_by[0])[0] == again.split(written_by[1])[0], path


def test_the_spec_keeps_every_name_the_prompt_spells_out(tmp_path, monkeypatch):
    with ThreadedLLMServer(scaffold_responder) as server:
        result = served(monkeypatch, tmp_path, server, PROMPTS["compute"], "--spec-only", "--json")
    assert result.exit_code == 0, result.output
    spec = yaml.safe_load((tmp_path / "shipping_cost_compute.spec.yaml").read_text())
    assert spec["name"] == "ShippingCost"
    assert list(spec["request"]) == ["weight_kg", "zone", "express"] and list(spec["response"]) == ["cost"]
    examples = spec["operations"][0]["examples"]
    assert all(example["source"] in ("prompt", "derived") and "/" in example["agreement"] for example in examples)
    assert not (tmp_path / "shipping_cost_compute").exists()  # --spec-only writes the spec, nothing else


def test_a_reviewed_spec_is_built_without_a_model_writing_one(tmp_path, monkeypatch):
    spec = tmp_path / "mine.yaml"
    text = (SPECS / "shipping_cost.yaml").read_text().replace("express then adds 10.00", "express then adds 10.00 (reviewed)")
    spec.write_text(text)
    with ThreadedLLMServer(scaffold_responder) as server:
        result = served(monkeypatch, tmp_path, server, "--spec", str(spec), "--json")
        asked = [r for r in server.requests if "You write the spec" in r.system_text]
    assert result.exit_code == 0, result.output
    assert asked == []
    report = json.loads(result.stdout)["scaffold"]
    assert report["spec_stage"]["written_by"] == "file" and report["tests"]["passed"]
    assert "(reviewed)" in (tmp_path / "shipping_cost_compute" / "v1_0_0" / "spec.yaml").read_text()


def test_without_a_sandbox_the_package_is_not_proven_and_new_says_why(tmp_path, monkeypatch):
    # The probe: where bubblewrap was missing, `nodegen new` ran the package's tests on the host and exited 0.
    bin_without_bwrap = tmp_path / "bin"
    bin_without_bwrap.mkdir()
    (bin_without_bwrap / "python").symlink_to(sys.executable)
    with ThreadedLLMServer(scaffold_responder) as server:
        result = served(
            monkeypatch, tmp_path, server, "--spec", str(SPECS / "shipping_cost.yaml"), "--json",
            PATH=str(bin_without_bwrap),
        )  # fmt: skip
    assert result.exit_code == 1, result.output
    tests = json.loads(result.stdout)["scaffold"]["tests"]
    assert not tests["passed"] and "bubblewrap (bwrap) is not installed" in tests["output_tail"]
    assert "NODEGEN_ALLOW_UNSANDBOXED_CODE=true" in tests["output_tail"]


def test_an_unfilled_package_names_what_failed_and_a_later_fill_finishes_it(tmp_path, monkeypatch):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    result = new(monkeypatch, tmp_path, "--spec", str(SPECS / "line_counter.yaml"), "--llm", f"replay:{empty}", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [s["status"] for s in report["stubs"]] == ["failed"]
    failures = report["scaffold"]["failures"]
    assert failures[0].startswith("count_lines not filled")
    assert any(f.startswith("count_lines example 1 (typical)") and "lines=2" in f for f in failures)
    assert "3 failed" in report["scaffold"]["tests"]["output_tail"]  # the examples; the contract's own tests pass
    imported = subprocess.run(
        [sys.executable, "-c", "import line_counter_effect.v1_0_0 as p; print(p.NodeLineCounterEffect.__name__)"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert imported.stdout.strip() == "NodeLineCounterEffect"
    with ThreadedLLMServer(scaffold_responder) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.openai_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-new")
        filled = CliRunner().invoke(app, ["fill", "line_counter_effect", "--llm", "openai:gpt-4o-mini"])
    assert filled.exit_code == 0, filled.output
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "line_counter_effect/v1_0_0/tests"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert tests.returncode == 0, tests.stdout[-2000:]


def test_an_existing_package_is_not_overwritten_without_force(tmp_path, monkeypatch):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    args = ["--spec", str(SPECS / "deploy_plan.yaml"), "--llm", f"replay:{empty}", "--json"]
    assert new(monkeypatch, tmp_path, *args).exit_code == 1
    marker = tmp_path / "deploy_plan_orchestrator" / "v1_0_0" / "mine.txt"
    marker.write_text("keep")
    refused = new(monkeypatch, tmp_path, *args)
    assert refused.exit_code == 2 and "exists already" in refused.output
    assert new(monkeypatch, tmp_path, *args, "--force").exit_code == 1
    assert marker.read_text() == "keep"


def test_a_model_that_never_writes_a_valid_spec_leaves_a_draft_and_fails(tmp_path, monkeypatch):
    def careless(received):
        if "You write the spec" in received.system_text:
            return Reply(text="```yaml\nkind: compute\nname: ShippingCost\ndescription: x\nrequest: {weight: float}\n```")
        return Reply(text="pass")

    with ThreadedLLMServer(careless) as server:
        result = served(monkeypatch, tmp_path, server, PROMPTS["compute"])
    assert result.exit_code == 1
    assert "no node spec passed the checks" in result.output
    draft = tmp_path / "ShippingCost.spec.draft.yaml"
    assert draft.is_file() and "DRAFT" in draft.read_text()
    assert not (tmp_path / "shipping_cost_compute").exists()


def test_without_a_model_the_keyword_draft_is_offered_and_says_so(tmp_path, monkeypatch):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    result = new(monkeypatch, tmp_path, PROMPTS["compute"], "--llm", f"replay:{empty}", "--json")
    assert result.exit_code == 1
    stage = json.loads(result.stdout)["scaffold"]["spec_stage"]
    assert stage["written_by"] == "keywords" and "no model could be asked" in stage["note"]
    draft = yaml.safe_load(Path(stage["draft_path"]).read_text())
    assert draft["name"] == "ShippingCost" and draft["kind"] == "compute"
    assert draft["request"] == {"weight_kg": "float", "zone": "str", "express": "bool"}
    assert draft["response"] == {"cost": "float"}


BAD_SPECS = {
    "unknown type": ("response:\n  cost: float", "response:\n  cost: decimal", "unknown name 'decimal'"),
    "duplicate field": ("  zone: \"Literal", "  weight_kg: int\n  zone: \"Literal", "given twice"),
    "example that does not load": ("input: {weight_kg: 2, zone: domestic}", "input: {weight: 2, zone: domestic}", "examples[0]"),
    "keyword field": ("  express: {type: bool", "  class: {type: bool", "keyword"),
    "contradiction": ("{weight_kg: 0, zone: international, express: true}, output: {cost: 20.0}",
                      "{weight_kg: 2, zone: domestic}, output: {cost: 8.0}", "contradicts"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD_SPECS))
def test_a_bad_spec_file_is_refused_with_its_problem_and_nothing_is_written(tmp_path, monkeypatch, case):
    old, replacement, expected = BAD_SPECS[case]
    text = (SPECS / "shipping_cost.yaml").read_text()
    assert old in text
    spec = tmp_path / "bad.yaml"
    spec.write_text(text.replace(old, replacement, 1))
    (tmp_path / "out").mkdir()
    result = new(monkeypatch, tmp_path, "--spec", str(spec), "--out", "out", "--llm", "replay:none.jsonl")
    assert result.exit_code == 2, result.output
    assert expected in " ".join(result.output.split())
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["   "], "the prompt is empty"),
        (["hello"], "asks for nothing nodegen can build"),
        (["Generate an effect node that deletes the home folder of the user"], "destructive"),
        ([PROMPTS["compute"], "--name", "class"], "PascalCase"),
        ([PROMPTS["compute"], "--name", "None"], "PascalCase"),
        ([PROMPTS["compute"], "--type", "gadget"], "unknown node type"),
        ([], "give files"),
    ],
)
def test_bad_prompts_and_options_are_refused_before_any_model_is_asked(tmp_path, monkeypatch, args, expected):
    (tmp_path / "out").mkdir()
    with ThreadedLLMServer(scaffold_responder) as server:
        result = served(monkeypatch, tmp_path, server, *args, "--out", "out")
        asked = list(server.requests)
    assert result.exit_code == 2, result.output
    assert expected in " ".join(result.output.split())
    assert asked == [] and list((tmp_path / "out").iterdir()) == []


def test_an_implementation_that_gives_every_example_is_tried_before_the_model(tmp_path, monkeypatch):
    fill_requests = []

    def respond(received):
        if "You write the spec" in received.system_text or received.last_user_text.startswith("Complete the function"):
            return scaffold_responder(received)
        fill_requests.append(received)
        return Reply(text="```python\nreturn 0.0\n```")  # the fill's model would be wrong

    with ThreadedLLMServer(respond) as server:
        result = served(monkeypatch, tmp_path, server, PROMPTS["compute"], "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["scaffold"]["spec_stage"]["proven"] == {"shipping_cost": 3}
    assert [(s["status"], s["attempts"]) for s in report["stubs"]] == [("filled", 1)]
    assert fill_requests == [] and report["scaffold"]["tests"]["passed"]
    node = (tmp_path / "shipping_cost_compute" / "v1_0_0" / "node.py").read_text()
    assert "cost = 5.0 + 1.2 * weight_kg" in node and ">>> shipping_cost(weight_kg=2.0" in node  # the spec's doctests
