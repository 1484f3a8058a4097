"""`nodegen new` writes every file of a package through the store effect (atomically, never outside the output
folder, recorded as an artifact when the configuration asks): the spec of --spec-only, a draft, the rendered package,
and node.py put back for the package tests' repair and again when the repair fails. The orchestrator's own modules
write no file."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from tests.support.llm_server import Received, Reply, ScriptedLLMServer
from tests.support.scaffold_answers import BODIES, SPECS

from nodegen.infra.store import open_store
from nodegen.llm import openai_client
from nodegen.nodes.codegen_orchestrator.v1_0_0 import NodeCodegenOrchestrator
from nodegen.onex import EnumCoreErrorCode, ModelOnexError
from nodegen.onex.testing import create_test_container

PACKAGE = Path(__file__).resolve().parent.parent
# Calls that write a file (or make a folder) in the orchestrator's process.
_WRITES = {"write_text", "write_bytes", "mkdir", "makedirs", "touch", "replace_atomically", "overwrite_in_place"}
# The sandbox's input, in a temporary folder of its own: not a file of the package.
_SCRATCH = {("spec_code.py", "write_text")}


def _writes(path: Path) -> set[tuple[str, str]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        mode = node.args[1] if name == "open" and len(node.args) > 1 else None
        if name in _WRITES or (isinstance(mode, ast.Constant) and set(str(mode.value)) & set("wax+")):
            found.add((path.name, name))
    return found


def test_the_orchestrator_writes_no_file_itself():
    modules = [path for path in PACKAGE.glob("*.py") if path.name != "implementation_runner.py"]  # runs sandboxed
    assert {write for path in modules for write in _writes(path)} == _SCRATCH


def _orchestrator(tmp_path: Path, server: ScriptedLLMServer | None = None, **config: object) -> NodeCodegenOrchestrator:
    services = {}
    if server is not None:
        services["llm_client"] = openai_client("gpt-4o-mini", base_url=server.openai_url, api_key="sk-test")
    container = create_test_container(
        {"state_dir": str(tmp_path / ".nodegen"), "enable_artifact_db_storage": True, "llm_max_retries": 0, **config},
        services=services,
    )
    return NodeCodegenOrchestrator(container)


async def _artifacts(tmp_path: Path) -> list[tuple[str, str]]:
    store = open_store(None, tmp_path / ".nodegen")
    await store.migrate()
    try:
        return [(Path(a["file_path"]).name, a["artifact_type"]) for a in await store.artifacts()]
    finally:
        await store.close()


async def test_the_spec_of_spec_only_is_written_by_the_store_effect(tmp_path):
    out = tmp_path / "out"
    result = await _orchestrator(tmp_path).execute_orchestration(
        {
            "input_state": {
                "spec_path": str(SPECS / "shipping_cost.yaml"),
                "spec_only": True,
                "output_directory": str(out),
            }
        }
    )
    written = out / "shipping_cost_compute.spec.yaml"
    assert result.success and result.generated_files == [str(written)]
    assert "name: ShippingCost" in written.read_text(encoding="utf-8")
    assert await _artifacts(tmp_path) == [("shipping_cost_compute.spec.yaml", "spec")]
    assert sorted(p.name for p in out.iterdir()) == ["shipping_cost_compute.spec.yaml"]  # no temporary file left


async def test_a_spec_that_cannot_be_written_is_a_write_error_and_leaves_nothing_half_written(tmp_path):
    out = tmp_path / "out"
    (out / "shipping_cost_compute.spec.yaml").mkdir(parents=True)  # a folder where the spec goes
    with pytest.raises(ModelOnexError) as raised:
        await _orchestrator(tmp_path).execute_orchestration(
            {
                "input_state": {
                    "spec_path": str(SPECS / "shipping_cost.yaml"),
                    "spec_only": True,
                    "force": True,
                    "output_directory": str(out),
                }
            }
        )
    assert raised.value.error_code is EnumCoreErrorCode.FILE_WRITE_ERROR and "is a directory" in raised.value.message
    assert [p.name for p in out.iterdir()] == ["shipping_cost_compute.spec.yaml"]
    assert not any((out / "shipping_cost_compute.spec.yaml").iterdir())


async def test_the_keyword_draft_is_written_by_the_store_effect(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    out = tmp_path / "out"
    result = await _orchestrator(tmp_path, llm=f"replay:{empty}").execute_orchestration(
        {"input_state": {"prompt": "Generate a compute node named ShippingCost", "output_directory": str(out)}}
    )
    assert not result.success and result.scaffold is not None
    draft = result.scaffold.spec_stage.draft_path
    assert draft is not None and Path(draft).is_file()
    assert await _artifacts(tmp_path) == [(Path(draft).name, "spec_draft")]


WRONG = "return round(5.0 + 1.2 * weight_kg, 2)\n"  # ignores the zone and express: valid code, failing tests
ALSO_WRONG = "return round(5.0 + 1.3 * weight_kg, 2)\n"
_TARGET = re.compile(r"(?:Implement|whole function) `shipping_cost`")


def _answers(*bodies: str):
    """A model that answers the implementations of shipping_cost with ``bodies`` in turn (the last again)."""
    asked: list[str] = []

    def respond(received: Received) -> Reply:
        if not _TARGET.search(received.last_user_text):
            return Reply(text="pass")
        body = bodies[min(len(asked), len(bodies) - 1)]
        asked.append(body)
        return Reply(text=f"```python\n{body}```")

    return respond, asked


@pytest.mark.parametrize(
    ("bodies", "repaired", "kept"),
    [
        ((WRONG, BODIES["shipping_cost"]), True, 'if zone == "international":'),
        ((WRONG, ALSO_WRONG), False, WRONG.strip()),
    ],
)
async def test_the_repair_puts_node_py_back_through_the_store_effect(tmp_path, bodies, repaired, kept):
    respond, asked = _answers(*bodies)
    out = tmp_path / "out"
    async with ScriptedLLMServer(respond) as server:
        result = await _orchestrator(tmp_path, server, validation_run_examples=False).execute_orchestration(
            {"input_state": {"spec_path": str(SPECS / "shipping_cost.yaml"), "output_directory": str(out)}}
        )
    report = result.scaffold
    assert report is not None and report.repair_attempted and report.repaired is repaired
    assert len(asked) == 2
    node = (out / "shipping_cost_compute" / "v1_0_0" / "node.py").read_text(encoding="utf-8")
    assert kept in node and ALSO_WRONG.strip() not in node  # the repair's body; when it failed too, the first fill's
    # node.py: rendered, put back as the scaffold's stubs for the repair, and (the repair failing) the first fill again
    rewrites = [name for name, kind in await _artifacts(tmp_path) if name == "node.py" and kind == "scaffold"]
    assert len(rewrites) == (2 if repaired else 3)
