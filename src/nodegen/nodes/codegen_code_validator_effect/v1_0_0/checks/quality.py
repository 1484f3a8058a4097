"""Quality warnings ruff does not give: functions over 50 lines (QUA002) and ``dict[str, Any]`` in public signatures
(QUA003). Complexity over 10 (QUA001) and missing docstrings (DOC001) are ruff's C901 and D102/D103 (``registry``)."""

from __future__ import annotations

import ast

from .base import CheckContext, RawFinding
from .registry import finding

MAX_LINES = 50


def _loose_dict(annotation: ast.expr | None) -> bool:
    if annotation is None:
        return False
    text = ast.unparse(annotation).replace(" ", "")
    return any(form in text for form in ("dict[str,Any]", "Dict[str,Any]", "dict[str,typing.Any]"))


def check_quality(ctx: CheckContext) -> list[RawFinding]:
    """The quality rules on functions defined in the generated code."""
    findings = []
    for function in ctx.generated_functions():
        length = (function.end_lineno or function.lineno) - function.lineno + 1
        if length > MAX_LINES:
            findings.append(
                finding("QUA002", f"`{function.name}` is {length} lines long (over {MAX_LINES})", node=function)
            )
        arguments = function.args
        annotations = [arg.annotation for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]]
        public = not function.name.startswith("_")
        if public and any(_loose_dict(annotation) for annotation in [*annotations, function.returns]):
            findings.append(
                finding("QUA003", f"`{function.name}` has dict[str, Any] in its public signature", node=function)
            )
    return findings


__all__ = ["MAX_LINES", "check_quality"]
