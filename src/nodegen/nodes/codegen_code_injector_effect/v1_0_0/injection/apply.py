"""Applying requests: plan each one (its checked answer, new body, helpers and imports), put the plans into the
tree, render it, and compile the result before it is returned. A request that cannot apply is refused with a
reason and leaves its stub as it is; when the whole does not compile, the request whose code holds the line the
compiler names is refused (or, when no single one does, the requests are applied one by one), and the others stay:
one bad request never loses the others."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import libcst as cst

from nodegen.nodes.codegen_code_injector_effect.v1_0_0.models import (
    EnumInjectionErrorCode,
    EnumRegionKind,
    ModelCodeInjectionRequest,
    ModelInjectedRegion,
    ModelInjectionError,
    ModelInjectionPreview,
)
from nodegen.onex import ModelOnexError
from nodegen.pysource import BOM, FunctionNode, Scope
from nodegen.pysource.condense import LARGE_SOURCE_CHARS

from .answers import checked_answer
from .body import NewBody, helper_statements, new_body
from .imports import add_imports, names_used, parse_imports, used_imports
from .large import condensed_definition, condensed_preview
from .options import InjectionOptions, RefusalError, file_refused, not_compiling, refusal
from .render import Watch, render
from .source import (
    FUNCTION_KINDS,
    PreparedFile,
    UnreadableSourceError,
    compile_failure,
    compile_problem,
    prepare,
)
from .targets import resolve, without_conflicts


@dataclass(slots=True)
class _Plan:
    """One accepted request, ready to apply."""

    position: int
    request: ModelCodeInjectionRequest
    scope: Scope
    original: cst.FunctionDef
    body: NewBody
    imports: list[cst.SimpleStatementLine]
    beside: list[cst.BaseStatement]
    module_helpers: list[cst.BaseStatement]
    helper_names: list[str]
    top: int  # the top-level statement that holds the stub


@dataclass(slots=True)
class _Result:
    text: str
    regions: list[ModelInjectedRegion]
    imports_added: list[str]


def _plan(
    prepared: PreparedFile, position: int, request: ModelCodeInjectionRequest, scope: Scope, options: InjectionOptions
) -> _Plan:
    answer = checked_answer(prepared, request, scope, options)
    body = new_body(prepared, request, scope, answer, preserve_formatting=options.preserve_code_formatting)
    beside, module_helpers = helper_statements(
        prepared, request, scope, answer, preserve_formatting=options.preserve_code_formatting
    )
    texts = used_imports([*request.required_imports, *answer.imports], names_used(answer))
    imports = parse_imports(request, scope, texts)
    top = prepared.top_of(scope)
    if not prepared.faithful[top]:
        line, text = prepared.unfaithful_line(top)
        line = options.file_line(prepared.module.text, line)
        raise RefusalError(
            refusal(
                request,
                EnumInjectionErrorCode.SYNTAX_ERROR,
                f"`{scope.qualified_name}` cannot be edited without changing other bytes: libcst (the syntax tree "
                f"nodegen edits) does not write line {line} back as it stands (`{text.strip()}`: a libcst defect); "
                "nothing was changed",
                scope=scope,
                suggested_fix=f"write line {line} in a more usual style, then fill the stub",
            )
        )
    return _Plan(
        position=position,
        request=request,
        scope=scope,
        original=prepared.cst_functions[scope.index],
        body=body,
        imports=imports,
        beside=beside,
        module_helpers=module_helpers,
        helper_names=[helper.name for helper in answer.helpers],
        top=top,
    )


class _Apply(cst.CSTTransformer):
    """Swaps the planned bodies in; it only descends through the nodes that lead to them."""

    def __init__(
        self, bodies: dict[int, cst.BaseSuite], beside: dict[int, list[cst.BaseStatement]], descend: set[int]
    ) -> None:
        super().__init__()
        self.bodies = bodies
        self.beside = beside
        self.descend = descend

    def on_visit(self, node: cst.CSTNode) -> bool:
        return id(node) in self.descend and super().on_visit(node)  # leave_* runs for skipped nodes too

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef | cst.FlattenSentinel[cst.BaseStatement]:
        body = self.bodies.get(id(original_node))
        if body is None:
            return updated_node
        replaced = updated_node.with_changes(body=body)
        extra = self.beside.get(id(original_node))
        return cst.FlattenSentinel([replaced, *extra]) if extra else replaced


def _apply(prepared: PreparedFile, plans: Sequence[_Plan], *, with_imports: bool = True) -> _Result:
    """The module with ``plans`` applied: only the top-level statements that hold a stub are rebuilt."""
    by_top: dict[int, list[_Plan]] = {}
    for plan in plans:
        by_top.setdefault(plan.top, []).append(plan)
    body: list[cst.BaseStatement] = []
    watches: list[Watch] = []
    origins: dict[int, int] = {}
    for index, stmt in enumerate(prepared.tree.body):
        group = by_top.get(index)
        if not group:
            body.append(stmt)
            continue
        updater = _Apply(
            bodies={id(plan.original): plan.body.suite for plan in group},
            beside={id(plan.original): plan.beside for plan in group if plan.beside},
            descend={ancestor for plan in group for ancestor in prepared.ancestors[id(plan.original)]},
        )
        updated = stmt.visit(updater)
        if isinstance(updated, cst.BaseStatement):
            origins[id(updated)] = index
        body.extend(updated.nodes if isinstance(updated, cst.FlattenSentinel) else [updated])  # type: ignore[list-item]
        for plan in group:
            body.extend(plan.module_helpers)
    for plan in plans:
        name, requests = plan.scope.qualified_name, [plan.position]
        statements, footer = plan.body.statements, plan.body.footer
        last: cst.CSTNode = footer[-1] if footer else statements[-1]
        watches.append(Watch(EnumRegionKind.BODY, requests, statements[0], last, qualified_name=name))
        for helpers, skip in ((plan.beside, 1), (plan.module_helpers, 2)):
            watches.extend(Watch(EnumRegionKind.HELPER, requests, s, s, skip, name) for s in helpers)
    added: list[str] = []
    if with_imports:
        imports = add_imports(prepared, body, [(plan.position, s) for plan in plans for s in plan.imports])
        body, added = imports.body, imports.added
        watches.extend(
            Watch(EnumRegionKind.IMPORT, imports.requests, stmt, stmt, len(stmt.leading_lines))
            for stmt in imports.statements
            if isinstance(stmt, cst.SimpleStatementLine)
        )
    text, regions = render(prepared, body, watches, origins)
    return _Result(text=text, regions=regions, imports_added=added)


def _code_for(prepared: PreparedFile, plan: _Plan) -> str:
    """The stub as it would read after this plan alone."""
    return prepared.tree.code_for_node(plan.original.with_changes(body=plan.body.suite))


def _without_culprits(
    prepared: PreparedFile,
    plans: list[_Plan],
    result: _Result,
    errors: list[ModelInjectionError],
    options: InjectionOptions,
) -> tuple[list[_Plan], _Result | None]:
    """While the text does not compile, the one plan whose new code holds the line the compiler names is refused
    (one render each); when that line is no single plan's, the plans are tried one by one."""
    while True:
        failure = compile_failure(result.text, _named(result.text, options))
        if failure is None:
            return plans, result
        problem, line = failure
        held = [r for r in result.regions if line is not None and r.first_line <= line <= r.last_line]
        owners = {position for region in held for position in region.requests}
        culprits = [plan for plan in plans if plan.position in owners]
        if len(culprits) != 1:
            return _one_by_one(prepared, plans, errors, options)
        (culprit,) = culprits
        by_imports = any(region.kind is EnumRegionKind.IMPORT for region in held)
        errors.append(_compile_refusal(prepared, culprit, problem, by_imports=by_imports))
        plans = [plan for plan in plans if plan is not culprit]
        if not plans:
            return [], None
        result = _apply(prepared, plans)


def _one_by_one(
    prepared: PreparedFile, plans: list[_Plan], errors: list[ModelInjectionError], options: InjectionOptions
) -> tuple[list[_Plan], _Result | None]:
    """The plans that keep the file compiling, taken in order; each other one is refused with the compiler's
    message (and a word on its imports when they are what breaks it)."""
    good: list[_Plan] = []
    result: _Result | None = None
    for plan in plans:
        trial = _apply(prepared, [*good, plan])
        problem = compile_problem(trial.text, _named(trial.text, options))
        if problem is None:
            good.append(plan)
            result = trial
            continue
        by_imports = bool(plan.imports) and (
            compile_problem(_apply(prepared, [*good, plan], with_imports=False).text) is None
        )
        errors.append(_compile_refusal(prepared, plan, problem, by_imports=by_imports))
    return good, result


def _named(text: str, options: InjectionOptions) -> Callable[[int], int]:
    """How a line of ``text`` is named in a message: as the file's line."""
    return lambda line: options.file_line(text, line)


def _compile_refusal(prepared: PreparedFile, plan: _Plan, problem: str, *, by_imports: bool) -> ModelInjectionError:
    name = plan.scope.qualified_name
    message = f"with this answer `{name}` does not compile: {problem}"
    if by_imports:
        imports = ", ".join(f"`{prepared.tree.code_for_node(s).strip()}`" for s in plan.imports)
        message = f"the imports the answer for `{name}` needs ({imports}) make the file fail to compile: {problem}"
    return refusal(
        plan.request,
        EnumInjectionErrorCode.SYNTAX_ERROR,
        message,
        scope=plan.scope,
        suggested_fix="fix the answer so that the whole file compiles",
        attempted_code=_code_for(prepared, plan),
    )


def preview(
    source: str, requests: Sequence[ModelCodeInjectionRequest], options: InjectionOptions
) -> ModelInjectionPreview:
    """The text the injector would write for ``requests`` (pure: no file is read or written), where each applied
    request's code stands in it, and a refusal for each request that cannot apply (its stub stays as it is).

    A source that does not parse, or does not compile as it is, is returned unchanged with one ``syntax_error``
    per request and ``file_refused``. A large source is edited through the statements the requests need
    (``large.py``), with the same outcome.
    """
    if len(source) > LARGE_SOURCE_CHARS:
        condensed = condensed_preview(source, requests, options, _preview)
        if condensed is not None:
            return condensed
    return _preview(source, requests, options)


def _preview(
    source: str, requests: Sequence[ModelCodeInjectionRequest], options: InjectionOptions
) -> ModelInjectionPreview:
    try:
        prepared = prepare(source, tuple(options.patterns))
    except (ModelOnexError, UnreadableSourceError) as problem:
        message = problem.message if isinstance(problem, ModelOnexError) else str(problem)
        return file_refused(
            source,
            requests,
            f"Failed to parse the source: {message}",
            "fix the file's syntax before injecting code into it",
        )
    outcome = ModelInjectionPreview(source=source)
    resolved: list[tuple[int, ModelCodeInjectionRequest, Scope]] = []
    for position, request in enumerate(requests):
        try:
            resolved.append((position, request, resolve(prepared, request, options)))
        except RefusalError as refused:
            outcome.errors.append(refused.error)
    resolved = without_conflicts(resolved, outcome.errors)
    if resolved and options.compile_result and prepared.compile_problem is not None:
        return not_compiling(source, requests, prepared.compile_problem)
    plans: list[_Plan] = []
    for position, request, scope in resolved:
        try:
            plans.append(_plan(prepared, position, request, scope, options))
        except RefusalError as refused:
            outcome.errors.append(refused.error)
    if not plans:
        return outcome
    result: _Result | None = _apply(prepared, plans)
    if options.compile_result and result is not None:
        plans, result = _without_culprits(prepared, plans, result, outcome.errors, options)
    if result is None:
        return outcome
    outcome.source = (BOM if prepared.module.has_bom else "") + result.text
    outcome.modified = [plan.scope.qualified_name for plan in plans]
    outcome.applied = sorted(plan.position for plan in plans)
    outcome.imports_added = result.imports_added
    outcome.helpers_added = [name for plan in plans for name in plan.helper_names]
    outcome.regions = result.regions
    return outcome


def stub_definition(
    source: str, qualified_name: str, line: int | None, options: InjectionOptions
) -> FunctionNode | None:
    """The stub's ``def`` as the file has it (from the same reading the preview made), or None when there is none.
    A large source is read around the stub (``large.py``)."""
    if len(source) > LARGE_SOURCE_CHARS:
        return condensed_definition(source, qualified_name, line, options, _definition)
    return _definition(source, qualified_name, line, options)


def _definition(source: str, qualified_name: str, line: int | None, options: InjectionOptions) -> FunctionNode | None:
    try:
        prepared = prepare(source, tuple(options.patterns))
        scope = resolve(
            prepared,
            ModelCodeInjectionRequest(qualified_name=qualified_name, expected_line=line, generated_code=""),
            options,
        )
    except (ModelOnexError, UnreadableSourceError, RefusalError):
        return None
    return scope.node if isinstance(scope.node, FUNCTION_KINDS) else None


__all__ = ["preview", "stub_definition"]
