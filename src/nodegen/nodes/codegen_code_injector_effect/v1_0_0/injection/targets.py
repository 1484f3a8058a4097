"""Which stub a request names (the one target resolver of nodegen), whether it is still a stub, and which requests
of one run conflict."""

from __future__ import annotations

import difflib

from nodegen.nodes.codegen_code_injector_effect.v1_0_0.models import (
    EnumInjectionErrorCode,
    ModelCodeInjectionRequest,
    ModelInjectionError,
)
from nodegen.pysource import Scope, is_placeholder_body

from .options import InjectionOptions, RefusalError, refusal
from .source import FUNCTION_KINDS, PreparedFile


def _lines_of(scope: Scope) -> list[int]:
    node = scope.node
    return [node.lineno, *(decorator.lineno for decorator in node.decorator_list)]


def resolve(prepared: PreparedFile, request: ModelCodeInjectionRequest, options: InjectionOptions) -> Scope:
    """The function ``request`` names: by qualified name (or plain name), checked against its ``def`` or decorator
    line when one is given (exactly, or within two lines when ``strict_line_matching`` is off)."""
    strict_lines = options.strict_line_matching

    def shown(line: int) -> int:
        return options.file_line(prepared.module.text, line)

    wanted = request.target
    by_qualified = request.qualified_name is not None or "." in wanted
    candidates = [
        scope for scope in prepared.functions if (scope.qualified_name if by_qualified else scope.name) == wanted
    ]
    if not candidates:
        known = [scope.qualified_name for scope in prepared.functions]
        close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(f'`{name}`' for name in close)}?" if close else ""
        raise RefusalError(
            refusal(
                request,
                EnumInjectionErrorCode.METHOD_NOT_FOUND,
                f"Method '{wanted}' not found"
                + (f" at line {shown(request.expected_line)}" if request.expected_line else "")
                + f": the file defines no function of that name{hint}",
                suggested_fix="use a name from the stub list (nodegen stubs) of the current file",
            )
        )
    if request.expected_line is not None:
        line = request.expected_line
        tolerance = 0 if strict_lines else 2
        matching = [scope for scope in candidates if any(abs(at - line) <= tolerance for at in _lines_of(scope))]
        if not matching:
            where = ", ".join(str(shown(scope.node.lineno)) for scope in candidates)
            raise RefusalError(
                refusal(
                    request,
                    EnumInjectionErrorCode.METHOD_NOT_FOUND,
                    f"Method '{wanted}' not found at line {shown(line)}: it is defined at line {where}",
                    suggested_fix="extract the stubs again: the file changed since its lines were read",
                )
            )
        candidates = matching
    if len(candidates) > 1:
        where = ", ".join(f"`{scope.qualified_name}` (line {shown(scope.node.lineno)})" for scope in candidates)
        raise RefusalError(
            refusal(
                request,
                EnumInjectionErrorCode.AMBIGUOUS_TARGET,
                f"'{wanted}' names {len(candidates)} functions: {where}",
                suggested_fix="give the qualified name and expected_line of the one to fill",
            )
        )
    return candidates[0]


def is_stub(prepared: PreparedFile, scope: Scope) -> bool:
    """A marked function, or one whose body is only a placeholder (``pass``, ``...``, a docstring, ...)."""
    node = scope.node
    return scope.index in prepared.marks or (isinstance(node, FUNCTION_KINDS) and is_placeholder_body(node))


def without_conflicts(
    resolved: list[tuple[int, ModelCodeInjectionRequest, Scope]], errors: list[ModelInjectionError]
) -> list[tuple[int, ModelCodeInjectionRequest, Scope]]:
    """Two requests for one stub, or a request inside a stub whose body another request replaces, are refused."""
    counts: dict[int, int] = {}
    for _, _, scope in resolved:
        counts[scope.index] = counts.get(scope.index, 0) + 1
    targeted = {scope.index for _, _, scope in resolved}
    kept = []
    for position, request, scope in resolved:
        if counts[scope.index] > 1:
            errors.append(
                refusal(
                    request,
                    EnumInjectionErrorCode.CONFLICTING_REQUESTS,
                    f"{counts[scope.index]} requests in this run target `{scope.qualified_name}`; none was applied",
                    scope=scope,
                    suggested_fix="send one answer per stub",
                )
            )
            continue
        outer = scope.parent
        while outer is not None and outer.index not in targeted:
            outer = outer.parent
        if outer is not None:
            errors.append(
                refusal(
                    request,
                    EnumInjectionErrorCode.CONFLICTING_REQUESTS,
                    f"`{scope.qualified_name}` sits inside `{outer.qualified_name}`, whose body this run replaces",
                    scope=scope,
                    suggested_fix="fill the outer function first, then extract its stubs again",
                )
            )
            continue
        kept.append((position, request, scope))
    return kept


__all__ = ["is_stub", "resolve", "without_conflicts"]
