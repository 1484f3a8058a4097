"""The CLI is a thin shell: it parses arguments into typed requests, renders what comes back and exits by the table;
walking folders, reading files and building nodes, stores and providers happen behind it (``nodegen.application``
and the orchestrator)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "nodegen"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("module", ["cli.py", "cli_shell.py", "cli_views.py"])
def test_the_cli_imports_neither_infra_nor_llm(module):
    below = {name for name in imported_modules(SRC / module) if name.startswith(("nodegen.infra", "nodegen.llm"))}
    assert not below


def test_the_cli_builds_no_node_itself():
    nodes = {name for name in imported_modules(SRC / "cli.py") if name.startswith("nodegen.nodes.")}
    assert all(name.endswith(".models") for name in nodes), nodes  # request and result models only


def test_cli_py_stays_small():
    assert len((SRC / "cli.py").read_text(encoding="utf-8").splitlines()) < 400


def test_loading_the_cli_loads_no_postgresql_driver():
    code = "import sys, nodegen.cli; print('asyncpg' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "False"  # open_store and the worker commands import it when they need it
