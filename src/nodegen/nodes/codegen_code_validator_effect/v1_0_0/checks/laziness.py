"""Lazy answers are not fills: a body that is still a placeholder, or code elided with a comment such as
"rest of the code here", or the stub marker itself, is a failed attempt (other tools have committed such
placeholders over working code)."""

from __future__ import annotations

import re

from nodegen.pysource import only_placeholders

from .base import CheckContext, RawFinding
from .registry import finding
from .shape import check_shape, stub_function

_ELISION = re.compile(
    r"#.*\b(rest of (the )?(code|implementation|logic|function|method|body)"
    r"|(existing|remaining|previous|other) (code|logic|implementation)"
    r"|(your|the) (code|logic|implementation) (goes )?here"
    r"|implement(ation)? (this|here|me)\b|same as (before|above)"
    r"|implementation required|todo:? implement)",
    re.IGNORECASE,
)
_ELLIPSIS_COMMENT = re.compile(r"#\s*(\.\.\.|…)")


def check_laziness(ctx: CheckContext) -> list[RawFinding]:
    """Only for code placed in a stub: the generated lines must hold real statements and no elision comments."""
    if ctx.regions is None:
        return []
    first, last = ctx.regions[0]
    found = stub_function(ctx.tree, first, last)
    statements = [stmt for stmt in found[0].body if first <= stmt.lineno <= last] if found else []
    lazy = only_placeholders(statements)
    findings = []
    if lazy:
        findings.append(
            finding(
                "LAZY001",
                "the body is still a placeholder (nothing but a docstring, pass, ... or raise NotImplementedError)",
                line=first,
                fix="write the implementation itself",
            )
        )
    for number in range(first, last + 1):
        line = ctx.lines[number - 1] if number <= len(ctx.lines) else ""
        hash_at = line.find("#")
        if hash_at >= 0 and (_ELISION.search(line[hash_at:]) or _ELLIPSIS_COMMENT.search(line[hash_at:])):
            findings.append(
                finding(
                    "LAZY002",
                    f"the comment `{line[hash_at:].strip()}` stands for code that was left out",
                    line=number,
                    column=hash_at + 1,
                    fix="write out every statement; nothing may be elided",
                )
            )
    if not lazy and found:
        findings.extend(check_shape(*found, first, last))
    return findings


__all__ = ["check_laziness"]
