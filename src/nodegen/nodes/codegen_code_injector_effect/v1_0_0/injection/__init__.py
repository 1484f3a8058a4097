"""Putting answers into stubs on a concrete syntax tree (libcst), changing nothing else in the file: a small codemod.

- :mod:`.targets` finds the stub a request names (the one resolver), :mod:`.answers` checks the answer,
- :mod:`.body` builds the new body (the one indentation rule and the one repeat rule), :mod:`.imports` adds imports
  with libcst's ``AddImportsVisitor``,
- :mod:`.apply` puts the plans in the tree and compiles the result, :mod:`.render` writes it out (untouched
  statements from the file's own text) and locates the new code, :mod:`.source` reads the file once; a large file
  is edited through the statements a request needs (:mod:`.large`).

:func:`preview` is pure: the validator checks exactly the text it returns, and the injector node writes it.
"""

from __future__ import annotations

import difflib

from nodegen.nodes.codegen_code_injector_effect.v1_0_0.models import ModelInjectionPreview

from .apply import preview, stub_definition
from .large import ended
from .options import InjectionOptions

InjectionOutcome = ModelInjectionPreview
inject = preview  # the name the node and its callers have always used


def unified_diff(before: str, after: str, path: str | None, hunks: str | None = None) -> str:
    """A unified diff of the change (empty when nothing changed); ``hunks``: its hunks, made already (a large
    file's, from the statements the edit touched: ``large.py``)."""
    name = path or "source.py"
    if hunks is not None:
        return f"--- a/{name}\n+++ b/{name}\n{hunks}" if hunks else ""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), fromfile=f"a/{name}", tofile=f"b/{name}"
    )
    return "".join(ended(lines))


__all__ = ["InjectionOptions", "InjectionOutcome", "inject", "preview", "stub_definition", "unified_diff"]
