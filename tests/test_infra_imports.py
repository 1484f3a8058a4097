"""Architecture: the modules of ``nodegen.infra`` import each other without a circle. Every import counts, at module
level or inside a function (a deferred import is still a dependency), relative or absolute, of any length of circle:
the backend of a thing imports the thing's protocol, and whatever chooses a backend imports the backends."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def module_name(path: Path, root: Path) -> str:
    """``root/nodegen/infra/store.py`` -> ``nodegen.infra.store`` (a package is its ``__init__``)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(path: Path, module: str) -> set[str]:
    """Every module ``path`` (the module ``module``) imports, absolute; ``from a import b`` gives ``a`` and
    ``a.b`` (``b`` may be a submodule)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            names.add(source)
            names.update(f"{source}.{alias.name}" for alias in node.names)
    return names


def import_graph(package_dir: Path, root: Path) -> dict[str, set[str]]:
    """Each module of the package (recursively) and the modules of the same package it imports."""
    paths = {module_name(path, root): path for path in sorted(package_dir.rglob("*.py"))}
    return {
        module: {name for name in imported_names(path, module) if name in paths and name != module}
        for module, path in paths.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles of ``graph``: each strongly connected component of more than one module (Tarjan), or a
    module importing itself, as its sorted module names."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph.get(module, ())):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1 or module in graph.get(module, ()):
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def write_package(root: Path, files: Iterable[tuple[str, str]]) -> Path:
    for name, text in files:
        path = root / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "pkg"


def test_nodegen_infra_has_no_import_circle():
    graph = import_graph(SRC / "nodegen" / "infra", SRC)
    # the graph is really read, deferred imports included: the factory imports both backends inside open_store
    assert {"nodegen.infra.store_sqlite", "nodegen.infra.store_postgres"} <= graph["nodegen.infra.store"]
    assert cycles(graph) == []


def test_a_circle_through_a_function_level_import_is_found(tmp_path):
    package = write_package(
        tmp_path,
        [
            ("__init__.py", ""),
            ("a.py", "from .b import thing\n"),
            ("b.py", "def thing():\n    from pkg import c\n    return c\n"),
            ("c.py", "import pkg.a\n"),
            ("d.py", "from . import a\n"),  # imports into the circle, is not part of it
        ],
    )
    assert cycles(import_graph(package, tmp_path)) == [["pkg.a", "pkg.b", "pkg.c"]]


def test_two_modules_importing_each_other_relatively_are_a_circle(tmp_path):
    package = write_package(
        tmp_path,
        [
            ("__init__.py", ""),
            ("sub/__init__.py", ""),
            ("sub/left.py", "from ..right import x\n"),
            ("right.py", "x = 1\n\n\ndef f():\n    from .sub.left import y\n"),
        ],
    )
    assert cycles(import_graph(package, tmp_path)) == [["pkg.right", "pkg.sub.left"]]


def test_a_package_that_imports_only_downwards_has_no_circle(tmp_path):
    package = write_package(
        tmp_path,
        [
            ("__init__.py", ""),
            ("base.py", "x = 1\n"),
            ("one.py", "from .base import x\n"),
            ("two.py", "from . import one, base\n"),
        ],
    )
    assert cycles(import_graph(package, tmp_path)) == []
