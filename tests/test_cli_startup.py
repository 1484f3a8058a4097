"""A command imports what it uses, when it uses it: loading the CLI (``nodegen --help``) loads no provider SDK, no
Kafka or PostgreSQL driver and no workflow engine, and ``stubs`` and ``check`` load none of them either; only a fill
(or ``new``) loads the orchestrator, and only its provider's SDK (``benchmarks/bench_startup.py`` times it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROVIDER_SDKS = {"anthropic", "openai", "pydantic_ai", "llama_cpp", "httpx"}
DRIVERS = {"aiokafka", "asyncpg"}
WORKFLOW_ENGINE = {"workflows", "llama_index", "llama_index_instrumentation"}
NEVER_AT_STARTUP = PROVIDER_SDKS | DRIVERS | WORKFLOW_ENGINE

STUB = 'def add(a: int, b: int) -> int:\n    """Sum."""\n    # IMPLEMENTATION REQUIRED\n    pass\n'

# Runs a command as the console script does, then prints its exit code and which of the watched packages it loaded.
_RUN_AND_LIST = """
import json, sys
from nodegen.cli import main
watched = set(sys.argv[1].split(","))
sys.argv = ["nodegen", *sys.argv[2:]]
try:
    main()
except SystemExit as stop:
    code = stop.code
loaded = sorted({name.split(".")[0] for name in sys.modules} & watched)
print(json.dumps({"exit": code, "loaded": loaded}), file=sys.stderr)
"""


def run(watched: set[str], *args: str, cwd: Path | None = None) -> tuple[str, int, list[str]]:
    """The command's stdout, exit code and the watched packages it loaded, in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", _RUN_AND_LIST, ",".join(sorted(watched)), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        check=True,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return done.stdout, report["exit"], report["loaded"]


def test_loading_the_cli_loads_no_provider_sdk_driver_workflow_engine_or_libcst():
    watched = sorted(NEVER_AT_STARTUP | {"libcst"})
    code = f"import nodegen.cli, sys; print(sorted(m for m in sys.modules if m.split('.')[0] in {watched!r}))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(("command", "code"), [("stubs", 1), ("check", 0)])
def test_stubs_and_check_load_no_provider_sdk_driver_or_workflow_engine(tmp_path, command, code):
    (tmp_path / "stub.py").write_text(STUB)
    _, exit_code, loaded = run(NEVER_AT_STARTUP, command, "stub.py", cwd=tmp_path)
    assert exit_code == code  # the command ran: `stubs` found the stub, `check` found no error in it
    assert loaded == []


def test_the_help_lists_every_command_without_loading_them():
    output, exit_code, loaded = run(NEVER_AT_STARTUP | {"libcst"}, "--help")
    assert exit_code == 0
    for command in ("stubs", "check", "fill", "new", "metrics", "worker", "submit", "collect"):
        assert f" {command} " in output
    assert loaded == []


def test_a_fill_loads_its_own_provider_only(tmp_path):
    (tmp_path / "stub.py").write_text(STUB)
    (tmp_path / "empty.jsonl").write_text("")
    _, exit_code, loaded = run(PROVIDER_SDKS | DRIVERS, "fill", "stub.py", "--llm", "replay:empty.jsonl", cwd=tmp_path)
    assert exit_code == 1  # the empty replay file answers nothing: the stub fails
    assert loaded == []  # a replay needs no SDK; no broker or database is configured


NODES = sorted(path.parent.name for path in (Path(__file__).parent.parent / "src/nodegen/nodes").glob("*/v1_0_0"))


def test_importing_a_nodes_models_loads_no_node():
    """A node package exports its node on first use (``nodegen.lazy``): its models come without it."""
    models = ", ".join(f"nodegen.nodes.{name}.v1_0_0.models" for name in NODES)
    code = f"import sys, {models}; print(sorted(m for m in sys.modules if m.endswith('.v1_0_0.node')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert len(NODES) == 8
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("name", NODES)
def test_a_node_package_still_exports_its_node(name):
    package = __import__(f"nodegen.nodes.{name}.v1_0_0", fromlist=["__all__"])
    for export in package.__all__:
        assert getattr(package, export) is not None
    with pytest.raises(AttributeError):
        package.no_such_export  # noqa: B018 - reading it is the test
