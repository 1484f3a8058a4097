"""Recognising ONEX node code: a class that subclasses a node base, and a file that belongs to a node package. The
validator decides from this whether ONEX rules are errors; the generator, whether to prompt with ONEX conventions."""

from __future__ import annotations

import ast
import re
from pathlib import Path

NODE_KINDS = {
    "NodeEffect": "Effect",
    "NodeCompute": "Compute",
    "NodeReducer": "Reducer",
    "NodeOrchestrator": "Orchestrator",
}
_VERSION_FOLDER = re.compile(r"^v\d+_\d+_\d+$")


def node_kind(cls: ast.ClassDef) -> str | None:
    """Effect/Compute/Reducer/Orchestrator when ``cls`` subclasses an ONEX node base."""
    for base in cls.bases:
        target = base.value if isinstance(base, ast.Subscript) else base  # NodeEffect[Result]
        name = target.id if isinstance(target, ast.Name) else target.attr if isinstance(target, ast.Attribute) else ""
        if name in NODE_KINDS:
            return NODE_KINDS[name]
    return None


def module_node_kind(tree: ast.Module) -> str | None:
    """The kind of the first node class the module defines, or None."""
    return next((kind for cls in tree.body if isinstance(cls, ast.ClassDef) and (kind := node_kind(cls))), None)


def is_onex_file(path: str | None, tree: ast.Module) -> bool:
    """A node package's node.py, models/ or enums, or a module defining a subclass of an ONEX node base."""
    if path:
        parts = Path(path).parts
        if any(_VERSION_FOLDER.match(part) for part in parts[:-1]):
            return True
    return module_node_kind(tree) is not None


__all__ = ["NODE_KINDS", "is_onex_file", "module_node_kind", "node_kind"]
