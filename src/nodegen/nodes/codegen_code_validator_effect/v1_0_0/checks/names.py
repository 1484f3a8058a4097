"""Imports ruff does not judge: a relative import from a parent package (``from ..x``; siblings, ``.x``, are the ONEX
layout). Undefined names and unused imports are ruff's pyflakes rules (``ruff.py``)."""

from __future__ import annotations

import ast

from .base import CheckContext, RawFinding
from .registry import finding


def check_relative_imports(ctx: CheckContext) -> list[RawFinding]:
    """``IMP001`` for each ``from ..x import y`` in the generated code."""
    return [
        finding(
            "IMP001",
            f"relative import from a parent package `{'.' * node.level}{node.module or ''}`",
            node=node,
            fix="import by the absolute module path",
        )
        for node in ctx.generated_nodes()
        if isinstance(node, ast.ImportFrom) and node.level > 1
    ]


__all__ = ["check_relative_imports"]
