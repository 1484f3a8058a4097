"""Comparing an answer's ``def`` with its stub's: the parameters must be the same (names, order, kinds, defaults).

Annotations may differ (a model that adds type hints to an unannotated stub changes no call), and so may the return
annotation; anything that changes how the function is called does not pass: a new, dropped or renamed parameter, a
parameter moved between positional and keyword-only, a changed default. The stub's own signature is what is kept,
so such an answer's body would be written under a signature it was not written for.
"""

from __future__ import annotations

import ast

from .scopes import FunctionNode

_Parameter = tuple[str, str, str | None]  # kind, name, default (as source)


def _dump(node: ast.expr | None) -> str | None:
    return None if node is None else ast.unparse(node)


def _parameters(function: FunctionNode) -> list[_Parameter]:
    """(kind, name, default) of every parameter, in order; defaults compared as syntax trees."""
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    result = [
        ("positional-only" if index < len(args.posonlyargs) else "positional", arg.arg, _dump(default))
        for index, (arg, default) in enumerate(zip(positional, defaults, strict=True))
    ]
    if args.vararg is not None:
        result.append(("*args", args.vararg.arg, None))
    keyword_only = zip(args.kwonlyargs, args.kw_defaults, strict=True)
    result += [("keyword-only", arg.arg, _dump(default)) for arg, default in keyword_only]
    if args.kwarg is not None:
        result.append(("**kwargs", args.kwarg.arg, None))
    return result


def signature_difference(stub: FunctionNode, answer: FunctionNode) -> str | None:
    """How the answer's parameters differ from the stub's (names, order, kinds, defaults), or None."""
    ours, theirs = _parameters(stub), _parameters(answer)
    for index in range(max(len(ours), len(theirs))):
        mine = ours[index] if index < len(ours) else None
        other = theirs[index] if index < len(theirs) else None
        if mine == other:
            continue
        if mine is None and other is not None:
            return f"the answer adds {other[0]} parameter `{other[1]}`"
        if other is None and mine is not None:
            return f"the answer drops {mine[0]} parameter `{mine[1]}`"
        if mine is not None and other is not None:
            if mine[1] != other[1]:
                return f"parameter {index + 1} is `{mine[1]}` in the stub but `{other[1]}` in the answer"
            if mine[0] != other[0]:
                return f"`{mine[1]}` is {mine[0]} in the stub but {other[0]} in the answer"
            return f"the default of `{mine[1]}` is `{mine[2]}` in the stub but `{other[2]}` in the answer"
    return None


__all__ = ["signature_difference"]
