"""Quality warnings: cyclomatic complexity over 10, functions over 50 lines, public functions without docstrings,
``dict[str, Any]`` in public signatures."""

from __future__ import annotations

import ast

from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import EnumFindingSeverity, EnumValidationRule

from .base import CheckContext, RawFinding, position

MAX_COMPLEXITY = 10
MAX_LINES = 50
_BRANCHES = (
    ast.If,
    ast.IfExp,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.ExceptHandler,
    ast.With,
    ast.AsyncWith,
    ast.Assert,
    ast.comprehension,
    ast.match_case,
)


def complexity(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """McCabe's number: 1 + decision points (branches, loops, handlers, boolean operands), nested defs excluded."""
    score = 1
    pending: list[ast.AST] = list(ast.iter_child_nodes(function))
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        if isinstance(node, _BRANCHES):
            score += 1
        elif isinstance(node, ast.BoolOp):
            score += len(node.values) - 1
        pending.extend(ast.iter_child_nodes(node))
    return score


def _loose_dict(annotation: ast.expr | None) -> bool:
    if annotation is None:
        return False
    text = ast.unparse(annotation).replace(" ", "")
    return any(form in text for form in ("dict[str,Any]", "Dict[str,Any]", "dict[str,typing.Any]"))


def check_quality(ctx: CheckContext, *, docstrings: bool, quality: bool) -> list[RawFinding]:
    """The quality rules on functions defined in the generated code."""
    findings = []
    for function in ctx.generated_functions():
        line, column = position(function)
        public = not function.name.startswith("_")
        if quality:
            score = complexity(function)
            if score > MAX_COMPLEXITY:
                findings.append(
                    RawFinding(
                        EnumValidationRule.QUALITY,
                        "QUA001",
                        EnumFindingSeverity.WARNING,
                        f"`{function.name}` has cyclomatic complexity {score} (over {MAX_COMPLEXITY})",
                        line,
                        column,
                        "split it into smaller functions",
                    )
                )
            length = (function.end_lineno or function.lineno) - function.lineno + 1
            if length > MAX_LINES:
                findings.append(
                    RawFinding(
                        EnumValidationRule.QUALITY,
                        "QUA002",
                        EnumFindingSeverity.WARNING,
                        f"`{function.name}` is {length} lines long (over {MAX_LINES})",
                        line,
                        column,
                        "move steps into helper functions",
                    )
                )
            arguments = function.args
            annotations = [arg.annotation for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]]
            if public and any(_loose_dict(annotation) for annotation in [*annotations, function.returns]):
                findings.append(
                    RawFinding(
                        EnumValidationRule.QUALITY,
                        "QUA003",
                        EnumFindingSeverity.WARNING,
                        f"`{function.name}` has dict[str, Any] in its public signature",
                        line,
                        column,
                        "use a pydantic model (or a TypedDict) for structured data",
                    )
                )
        if docstrings and public and ast.get_docstring(function) is None:
            findings.append(
                RawFinding(
                    EnumValidationRule.DOCSTRINGS,
                    "DOC001",
                    EnumFindingSeverity.WARNING,
                    f"public function `{function.name}` has no docstring",
                    line,
                    column,
                    "add a one-line docstring that states what it returns or does",
                )
            )
    return findings


__all__ = ["MAX_COMPLEXITY", "MAX_LINES", "check_quality", "complexity"]
