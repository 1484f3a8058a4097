"""The layout's rules, read from the source: a node is reached through its port and its models only; nothing
hands a whole-file refusal around as a fake method name; no module grows past 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "nodegen"
MAX_LINES = 400


def _modules() -> list[Path]:
    return sorted(path for path in SRC.rglob("*.py") if "tests" not in path.relative_to(SRC).parts)


def _imported(tree: ast.Module) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return found


def test_a_node_is_reached_only_through_its_port_and_its_models():
    """``nodegen.nodes.<node>.v1_0_0`` (its package: the node and what it exports) or ``...v1_0_0.models``; never
    another module of it."""
    reached = []
    for path in _modules():
        parts = path.relative_to(SRC).parts
        own = parts[1] if parts[0] == "nodes" and len(parts) > 2 else None
        for line, module in _imported(ast.parse(path.read_text(encoding="utf-8"))):
            names = module.split(".")
            if names[:2] != ["nodegen", "nodes"] or len(names) <= 4 or names[2] == own:
                continue
            if names[4] != "models":
                reached.append(f"{path.relative_to(SRC)}:{line} imports {module}")
    assert reached == []


def test_no_refusal_of_a_whole_file_poses_as_a_method_name():
    assert [str(path.relative_to(SRC)) for path in _modules() if '"<file>"' in path.read_text(encoding="utf-8")] == []


def test_no_module_is_over_400_lines():
    long = {}
    for path in _modules():
        with path.open(encoding="utf-8") as handle:
            count = sum(1 for _ in handle)
        if count > MAX_LINES:
            long[str(path.relative_to(SRC))] = count
    assert long == {}


def test_one_placeholder_rule():
    """``pysource.only_placeholders`` is the rule; nobody else composes ``is_placeholder_statement`` into one."""
    users = sorted(
        str(path.relative_to(SRC))
        for path in _modules()
        if "is_placeholder_statement(" in path.read_text(encoding="utf-8")
    )
    assert users == ["pysource/scopes.py"]


def test_services_are_asked_for_by_name_only_in_the_container():
    """``nodegen.services.NodegenServices.of`` reads them through ``onex.container.registered``; nothing else calls
    ``get_service`` or ``register_service``."""
    by_name = sorted(
        str(path.relative_to(SRC))
        for path in _modules()
        if any(call in path.read_text(encoding="utf-8") for call in (".get_service(", ".register_service("))
    )
    assert by_name == ["onex/container.py"]


def test_no_package_exports_a_name_that_is_also_one_of_its_modules():
    """A package exporting on first use (``nodegen.lazy``) must not export ``x`` beside a module ``x.py``: once the
    module is imported, the package attribute is the module, and ``from package import x`` gets it."""
    clashes = []
    for init in SRC.rglob("__init__.py"):
        tree = ast.parse(init.read_text(encoding="utf-8"))
        exported = {
            element.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
            for element in getattr(node.value, "elts", [])
            if isinstance(element, ast.Constant)
        }
        modules = {path.stem for path in init.parent.glob("*.py")} | {p.name for p in init.parent.iterdir() if p.is_dir()}
        clashes += [f"{init.parent.relative_to(SRC)}: {name}" for name in sorted(exported & modules)]
    assert clashes == []
