"""Checking a request's answer before anything is built from it: still a stub, not too long, readable, the stub's
own signature, not a placeholder, no ``await`` in a sync function, helpers allowed and not replacing a name.

The one signature comparison of a fill: the generator hands its reading of a model's answer on (``request.answer``,
the answer's own ``def`` included), and the validator's in-place preview refuses a changed signature here, as SIG001."""

from __future__ import annotations

import ast

from nodegen.nodes.codegen_code_injector_effect.v1_0_0.models import EnumInjectionErrorCode, ModelCodeInjectionRequest
from nodegen.pysource import (
    Answer,
    AnswerError,
    FunctionNode,
    Scope,
    only_placeholders,
    own_nodes,
    read_answer,
    signature_difference,
)

from .options import InjectionOptions, RefusalError, refusal
from .source import FUNCTION_KINDS, PreparedFile
from .targets import is_stub


def checked_answer(
    prepared: PreparedFile, request: ModelCodeInjectionRequest, scope: Scope, options: InjectionOptions
) -> Answer:
    """The request's answer, read and checked; ``RefusalError`` says what is wrong with it."""
    node = scope.node
    if not isinstance(node, FUNCTION_KINDS):
        raise TypeError(f"{scope.qualified_name} is not a function")
    if not request.force and not is_stub(prepared, scope):
        raise RefusalError(
            refusal(
                request,
                EnumInjectionErrorCode.NOT_A_STUB,
                f"`{scope.qualified_name}` is no longer a stub: its body holds code and no stub marker, so it "
                "was filled since the stubs were extracted; it was left as it is",
                scope=scope,
                suggested_fix="extract the stubs again, or set force to replace a real body",
            )
        )
    limit = options.max_answer_chars
    if limit is not None and len(request.generated_code) > limit:
        raise RefusalError(
            refusal(
                request,
                EnumInjectionErrorCode.ANSWER_TOO_LARGE,
                f"the answer for `{scope.qualified_name}` is {len(request.generated_code):,} characters, over "
                f"the limit of {limit:,} (max_answer_chars); it was not read",
                scope=scope,
                suggested_fix="answer with the function's body alone, or raise max_answer_chars",
            )
        )
    answer = request.answer if request.answer is not None else _read(request, scope, node)
    _check_signature(prepared, request, scope, node, answer)
    if options.check_answer_content:
        _check_content(request, scope, node, answer)
    _check_helpers(prepared, request, scope, answer)
    return answer


def _read(request: ModelCodeInjectionRequest, scope: Scope, node: FunctionNode) -> Answer:
    """The request's text read as an answer (a caller that read it already hands it on as ``request.answer``)."""
    try:
        return read_answer(request.generated_code, scope.name)
    except AnswerError as problem:
        line = node.body[0].lineno + problem.line - 1 if problem.line else None
        raise RefusalError(
            refusal(
                request,
                EnumInjectionErrorCode(problem.code.value),
                problem.message,
                scope=scope,
                suggested_fix=problem.suggested_fix,
                line=line,
            )
        ) from problem


def _check_signature(
    prepared: PreparedFile, request: ModelCodeInjectionRequest, scope: Scope, node: FunctionNode, answer: Answer
) -> None:
    if answer.function is None:
        return
    difference = signature_difference(node, answer.function)
    if difference is not None:
        signature = prepared.module.header_source(node)
        raise RefusalError(
            refusal(
                request,
                EnumInjectionErrorCode.SIGNATURE_MISMATCH,
                f"the answer's signature does not match the stub `{signature}`: {difference}",
                scope=scope,
                suggested_fix=f"keep the stub's signature exactly: `{signature}:`",
                attempted_code=request.generated_code,
            )
        )


def _first_await(tree: ast.AST) -> ast.AST | None:
    """An ``await`` (or ``async for``/``async with``/async comprehension) outside any nested function."""
    for node in own_nodes(tree):
        if isinstance(node, ast.Await | ast.AsyncFor | ast.AsyncWith) or (
            isinstance(node, ast.comprehension) and node.is_async
        ):
            return node
    return None


def _check_content(request: ModelCodeInjectionRequest, scope: Scope, node: FunctionNode, answer: Answer) -> None:
    body_tree = ast.parse(answer.body)  # read_answer made sure it parses
    if only_placeholders(body_tree.body):
        raise RefusalError(
            refusal(
                request,
                EnumInjectionErrorCode.EMPTY_BODY,
                f"the answer for `{scope.qualified_name}` is still a placeholder (nothing but a docstring, pass, "
                "... or raise NotImplementedError)",
                scope=scope,
                suggested_fix="write the implementation itself",
                attempted_code=answer.body,
            )
        )
    awaited = _first_await(body_tree)
    if awaited is not None and not isinstance(node, ast.AsyncFunctionDef):
        raise RefusalError(
            refusal(
                request,
                EnumInjectionErrorCode.SYNTAX_ERROR,
                f"line {getattr(awaited, 'lineno', '?')} of the answer uses await (or async for/with), but "
                f"`{scope.qualified_name}` is not an async function",
                scope=scope,
                suggested_fix="write synchronous code: the stub's signature (and so its def) stays as it is",
                attempted_code=answer.body,
            )
        )


def _check_helpers(prepared: PreparedFile, request: ModelCodeInjectionRequest, scope: Scope, answer: Answer) -> None:
    if not answer.helpers:
        return
    names = [helper.name for helper in answer.helpers]
    if not request.allow_helpers:
        raise RefusalError(
            refusal(
                request,
                EnumInjectionErrorCode.UNEXPECTED_CODE,
                f"the answer defines {', '.join(f'`{name}`' for name in names)} beside `{scope.name}`, and "
                "this request does not allow helpers",
                scope=scope,
                suggested_fix=f"put everything inside `{scope.name}` (nested functions are fine)",
            )
        )
    for helper in answer.helpers:
        at_module_level = helper.at_module_level or scope.parent is None
        if helper.name in _names_in_scope(prepared, None if at_module_level else scope.parent):
            raise RefusalError(
                refusal(
                    request,
                    EnumInjectionErrorCode.HELPER_CONFLICT,
                    f"the helper `{helper.name}` would replace a name the file already defines there",
                    scope=scope,
                    suggested_fix=f"rename the helper, or use the existing `{helper.name}`",
                )
            )


def _names_in_scope(prepared: PreparedFile, scope: Scope | None) -> set[str]:
    body = prepared.module.tree.body if scope is None else scope.node.body
    names: set[str] = set()
    for stmt in body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(stmt.name)
        elif isinstance(stmt, ast.Assign):
            names.update(target.id for target in stmt.targets if isinstance(target, ast.Name))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            names.add(stmt.target.id)
    return names


__all__ = ["checked_answer"]
