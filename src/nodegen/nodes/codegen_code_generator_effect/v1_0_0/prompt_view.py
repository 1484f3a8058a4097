"""The file as the model is shown it: its own text, every stub left as its signature and docstring (stub markers and
placeholders taken out, a small model copies what it sees), nothing else changed.

Measured on HumanEval with Qwen2.5-Coder-0.5B (greedy, docs/benchmarks.md): the code shown as the file has it,
unfenced, under a one-line instruction, is what the model alone is asked and answers best; the same content cut into
quoted sections ("the module's imports", "the target") lost a quarter of the problems. The whole view is the same
text for every stub of a file, so a model server's prefix cache reuses it; only the last line names the target. The
plain prompt style shows the file up to the target's docstring (the HumanEval shape): a small model shown the code
after it (a node class calling the function) answered with that code again, the function still empty.
"""

from __future__ import annotations

import ast

from nodegen.pysource import SourceModule, is_docstring, is_placeholder_body

from .preparing import drop_markers

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def file_view(module: SourceModule, stub_marker: str | None = None, until: FunctionNode | None = None) -> str:
    """``module``'s text with the placeholder bodies of its functions cut after their docstring, and stub markers
    removed everywhere; with ``until``, only the text up to that function's docstring (the HumanEval shape: what
    comes before the target, then the target)."""
    lines = list(module.lines)
    cut: set[int] = set()  # 0-based line indexes left out
    for scope in module.scopes:
        node = scope.node
        if not scope.is_function or not isinstance(node, FunctionNode) or not is_placeholder_body(node):
            continue
        cut.update(range(_shown_end(module, node), node.end_lineno or node.lineno))
    if until is not None:  # a stub with a real body (HumanEval/115's import above its docstring) is shown whole
        shown = _shown_end(module, until) if is_placeholder_body(until) else until.end_lineno or until.lineno
        cut.update(range(shown, len(lines)))
    text = "".join(line for index, line in enumerate(lines) if index not in cut)
    return drop_markers(text, stub_marker).rstrip() + "\n"


def _shown_end(module: SourceModule, node: FunctionNode) -> int:
    """The 0-based index of the first line after what the view shows of a stub: its header and docstring (all of
    it when its body is on the ``def`` line)."""
    header_end = _header_end(module, node)
    first = node.body[0]
    if first.lineno <= header_end:
        return node.end_lineno or node.lineno  # a body on the def line: shown as it is
    return (first.end_lineno or first.lineno) if is_docstring(first) else header_end


def _header_end(module: SourceModule, node: FunctionNode) -> int:
    """1-based line of the header's colon."""
    return node.lineno + module.header_source(node).count("\n")


_NAMED_LEFT_OUT = 12


def left_out_note(trimmed: list[str]) -> str:
    """The note of what the prompt left out, in bounded space (a file of 3,000 functions once listed every name,
    and its prompt was six times its budget)."""
    named = ", ".join(trimmed[:_NAMED_LEFT_OUT])
    more = f" and {len(trimmed) - _NAMED_LEFT_OUT} more" if len(trimmed) > _NAMED_LEFT_OUT else ""
    return f"(Context left out to fit the prompt budget: {named}{more}.)"


__all__ = ["file_view", "left_out_note"]
