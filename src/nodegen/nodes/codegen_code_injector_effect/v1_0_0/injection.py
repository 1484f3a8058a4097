"""Putting answers into stubs on a concrete syntax tree (libcst), changing nothing else in the file.

For each request: find the stub (by qualified or plain name, optionally checked against its line), check it is still
a stub, read the answer (:mod:`.answer`), and build the new body: the stub's own header line, docstring and block
indentation stay; the answer's statements replace the rest, re-indented to the block as one piece (so strings that
span lines keep their relative layout). Then imports and helpers are added, the whole module is rendered by libcst
(untouched nodes come back byte for byte) and compiled: a request whose result does not compile is refused, never
written.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from nodegen.onex import ModelOnexError
from nodegen.pysource import (
    BOM,
    DEFAULT_STUB_MARKERS,
    Answer,
    AnswerError,
    MarkerSet,
    Scope,
    SourceModule,
    char_col,
    compile_markers,
    find_marks,
    is_docstring,
    is_placeholder_body,
    is_placeholder_statement,
    leading_whitespace,
    read_answer,
    signature_difference,
)
from nodegen.pysource.answer import indent_code

from .models import EnumInjectionErrorCode, ModelCodeInjectionRequest, ModelInjectionError

_WRAPPER_NAME = "__nodegen_answer__"
# The only nodes a function definition can sit in: walks descend through these and skip every expression.
_STATEMENT_CONTAINERS = (
    cst.Module,
    cst.IndentedBlock,
    cst.FunctionDef,
    cst.ClassDef,
    cst.If,
    cst.Else,
    cst.For,
    cst.While,
    cst.With,
    cst.Try,
    cst.TryStar,
    cst.ExceptHandler,
    cst.ExceptStarHandler,
    cst.Finally,
    cst.Match,
    cst.MatchCase,
)
_FUNCTION_KINDS = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass(slots=True)
class InjectionOptions:
    """How the injector reads stubs and requests."""

    patterns: Sequence[str] = DEFAULT_STUB_MARKERS
    strict_line_matching: bool = True
    preserve_code_formatting: bool = True
    max_answer_chars: int | None = 20_000  # a longer answer is refused before it is read


@dataclass(slots=True)
class InjectionOutcome:
    """The new source (the old one when nothing applied), what was filled and what was refused."""

    source: str
    modified: list[str] = field(default_factory=list)
    applied: list[int] = field(default_factory=list)  # positions of the applied requests, in request order
    errors: list[ModelInjectionError] = field(default_factory=list)
    imports_added: list[str] = field(default_factory=list)
    helpers_added: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Plan:
    """One accepted request, ready to apply."""

    request: ModelCodeInjectionRequest
    scope: Scope
    original: cst.FunctionDef
    body: cst.BaseSuite
    imports: list[str]
    beside: list[cst.BaseStatement]
    module_helpers: list[cst.BaseStatement]
    helper_names: list[str]


class _RefusalError(Exception):
    def __init__(self, error: ModelInjectionError) -> None:
        super().__init__(error.message)
        self.error = error


# ------------------------------------------------------------------------------------------------- small helpers


def _error(
    request: ModelCodeInjectionRequest,
    code: EnumInjectionErrorCode,
    message: str,
    *,
    scope: Scope | None = None,
    suggested_fix: str | None = None,
    attempted_code: str | None = None,
    line: int | None = None,
) -> ModelInjectionError:
    return ModelInjectionError(
        code=code,
        method_name=request.target,
        qualified_name=scope.qualified_name if scope is not None else None,
        message=message,
        line_number=line if line is not None else (scope.node.lineno if scope is not None else request.expected_line),
        suggested_fix=suggested_fix,
        attempted_code=attempted_code,
    )


def _comment_markers(patterns: Sequence[str]) -> MarkerSet:
    """The markers' comment parts alone ("# Stub" of "pass  # Stub"): what to remove from lines that stay."""
    comments = tuple(pattern[pattern.index("#") :] if "#" in pattern else pattern for pattern in patterns)
    return compile_markers(comments)


def _is_cst_docstring(stmt: cst.BaseStatement | cst.BaseSmallStatement) -> bool:
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        stmt = stmt.body[0]
    return isinstance(stmt, cst.Expr) and isinstance(stmt.value, cst.SimpleString | cst.ConcatenatedString)


def _first_await(tree: ast.AST) -> ast.AST | None:
    """An ``await`` (or ``async for``/``async with``/async comprehension) outside any nested function."""
    pending = list(ast.iter_child_nodes(tree))
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        if isinstance(node, ast.Await | ast.AsyncFor | ast.AsyncWith) or (
            isinstance(node, ast.comprehension) and node.is_async
        ):
            return node
        pending.extend(ast.iter_child_nodes(node))
    return None


def _names_used(answer: Answer) -> set[str]:
    """Every name the code to be written reads (its body and helpers, string annotations included): what decides
    which of the answer's imports are added. The answer's own decorators and signature are not written, so they
    do not count."""
    names: set[str] = set()
    for text in (answer.body, *(helper.source for helper in answer.helpers)):
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.arg | ast.AnnAssign | ast.FunctionDef | ast.AsyncFunctionDef):
                annotation = node.returns if isinstance(node, _FUNCTION_KINDS) else node.annotation
                if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
                    try:
                        quoted = ast.parse(annotation.value, mode="eval")
                    except SyntaxError:
                        continue
                    names.update(name.id for name in ast.walk(quoted) if isinstance(name, ast.Name))
    return names


def _used_imports(texts: list[str], used: set[str]) -> list[str]:
    """The import statements of ``texts`` cut down to the names in ``used``; ``__future__`` and star imports, and
    statements that are not one import (``parse_imports`` refuses those), stay as given."""
    kept: list[str] = []
    for text in texts:
        statement = text.strip()
        if statement and not statement.startswith(("import ", "from ")):
            statement = f"import {statement}"
        try:
            tree = ast.parse(statement)
        except SyntaxError:
            tree = None
        node = tree.body[0] if tree is not None and len(tree.body) == 1 else None
        if not isinstance(node, ast.Import | ast.ImportFrom) or (
            isinstance(node, ast.ImportFrom)
            and ((node.module == "__future__" and not node.level) or any(alias.name == "*" for alias in node.names))
        ):
            kept.append(text)
            continue
        aliases = [alias for alias in node.names if _bound_name(alias, node) in used]
        if len(aliases) == len(node.names):
            kept.append(text)
        elif aliases:
            node.names = aliases
            kept.append(ast.unparse(node))
    return kept


def _bound_name(alias: ast.alias, node: ast.Import | ast.ImportFrom) -> str:
    if alias.asname:
        return alias.asname
    return alias.name.split(".")[0] if isinstance(node, ast.Import) else alias.name


# ------------------------------------------------------------------------------------------------------ injector


class _Injector:
    def __init__(self, source: str, options: InjectionOptions) -> None:
        self.source = source
        self.options = options
        self.module = SourceModule(source)  # raises ModelOnexError(VALIDATION_ERROR) when it does not parse
        self.tree = _parse_cst(self.module.text)
        self.indent = self.tree.default_indent
        self.newline = self.tree.default_newline
        self.functions = [scope for scope in self.module.scopes if scope.is_function]
        collector = _FunctionCollector()
        self.tree.visit(collector)
        if [node.name.value for node in collector.found] != [scope.name for scope in self.functions]:
            raise ModelOnexError(message="the syntax trees of the source disagree about its functions")
        self.cst_functions = {scope.index: node for scope, node in zip(self.functions, collector.found, strict=True)}
        self.cst_ancestors = collector.ancestors
        self.marks = find_marks(self.module, compile_markers(tuple(options.patterns)))
        self.comment_markers = _comment_markers(options.patterns)

    # -- finding the stub ----------------------------------------------------------------------------------------

    def resolve(self, request: ModelCodeInjectionRequest) -> Scope:
        wanted = request.target
        by_qualified = request.qualified_name is not None or "." in wanted
        candidates = [
            scope for scope in self.functions if (scope.qualified_name if by_qualified else scope.name) == wanted
        ]
        if not candidates:
            known = [scope.qualified_name for scope in self.functions]
            close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(f'`{name}`' for name in close)}?" if close else ""
            raise _RefusalError(
                _error(
                    request,
                    EnumInjectionErrorCode.METHOD_NOT_FOUND,
                    f"Method '{wanted}' not found"
                    + (f" at line {request.expected_line}" if request.expected_line else "")
                    + f": the file defines no function of that name{hint}",
                    suggested_fix="use a name from the stub list (nodegen stubs) of the current file",
                )
            )
        if request.expected_line is not None:
            line = request.expected_line
            tolerance = 0 if self.options.strict_line_matching else 2
            matching = [scope for scope in candidates if any(abs(at - line) <= tolerance for at in _lines_of(scope))]
            if not matching:
                where = ", ".join(str(scope.node.lineno) for scope in candidates)
                raise _RefusalError(
                    _error(
                        request,
                        EnumInjectionErrorCode.METHOD_NOT_FOUND,
                        f"Method '{wanted}' not found at line {line}: it is defined at line {where}",
                        suggested_fix="extract the stubs again: the file changed since its lines were read",
                    )
                )
            candidates = matching
        if len(candidates) > 1:
            where = ", ".join(f"`{scope.qualified_name}` (line {scope.node.lineno})" for scope in candidates)
            raise _RefusalError(
                _error(
                    request,
                    EnumInjectionErrorCode.AMBIGUOUS_TARGET,
                    f"'{wanted}' names {len(candidates)} functions: {where}",
                    suggested_fix="give the qualified name and expected_line of the one to fill",
                )
            )
        return candidates[0]

    def is_stub(self, scope: Scope) -> bool:
        node = scope.node
        return scope.index in self.marks or (isinstance(node, _FUNCTION_KINDS) and is_placeholder_body(node))

    # -- building the new body -----------------------------------------------------------------------------------

    def plan(self, request: ModelCodeInjectionRequest, scope: Scope) -> _Plan:
        node = scope.node
        if not isinstance(node, _FUNCTION_KINDS):
            raise TypeError(f"{scope.qualified_name} is not a function")
        if not request.force and not self.is_stub(scope):
            raise _RefusalError(
                _error(
                    request,
                    EnumInjectionErrorCode.NOT_A_STUB,
                    f"`{scope.qualified_name}` is no longer a stub: its body holds code and no stub marker, so it "
                    "was filled since the stubs were extracted; it was left as it is",
                    scope=scope,
                    suggested_fix="extract the stubs again, or set force to replace a real body",
                )
            )
        limit = self.options.max_answer_chars
        if limit is not None and len(request.generated_code) > limit:
            raise _RefusalError(
                _error(
                    request,
                    EnumInjectionErrorCode.ANSWER_TOO_LARGE,
                    f"the answer for `{scope.qualified_name}` is {len(request.generated_code):,} characters, over "
                    f"the limit of {limit:,} (max_answer_chars); it was not read",
                    scope=scope,
                    suggested_fix="answer with the function's body alone, or raise max_answer_chars",
                )
            )
        try:
            answer = read_answer(request.generated_code, scope.name)
        except AnswerError as problem:
            code = EnumInjectionErrorCode(problem.code.value)
            raise _RefusalError(
                _error(request, code, problem.message, scope=scope, suggested_fix=problem.suggested_fix)
            ) from problem
        self._check_signature(request, scope, node, answer)
        body_tree = ast.parse(answer.body)
        self._check_body(request, scope, node, answer, body_tree)
        original = self.cst_functions[scope.index]
        statements, footer = self._parse_block(request, scope, answer.body, self._body_indent(node))
        new_body = self._new_body(request, scope, original, statements, footer)
        beside, module_helpers, names = self._helpers(request, scope, answer)
        return _Plan(
            request=request,
            scope=scope,
            original=original,
            body=new_body,
            imports=_used_imports([*request.required_imports, *answer.imports], _names_used(answer)),
            beside=beside,
            module_helpers=module_helpers,
            helper_names=names,
        )

    def _check_signature(
        self,
        request: ModelCodeInjectionRequest,
        scope: Scope,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        answer: Answer,
    ) -> None:
        if answer.function is None:
            return
        difference = signature_difference(node, answer.function)
        if difference is not None:
            signature = self.module.header_source(node)
            raise _RefusalError(
                _error(
                    request,
                    EnumInjectionErrorCode.SIGNATURE_MISMATCH,
                    f"the answer's signature does not match the stub `{signature}`: {difference}",
                    scope=scope,
                    suggested_fix=f"keep the stub's signature exactly: `{signature}:`",
                    attempted_code=request.generated_code,
                )
            )

    def _check_body(
        self,
        request: ModelCodeInjectionRequest,
        scope: Scope,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        answer: Answer,
        body_tree: ast.Module,
    ) -> None:
        statements = body_tree.body[1:] if body_tree.body and is_docstring(body_tree.body[0]) else body_tree.body
        if all(is_placeholder_statement(stmt) for stmt in statements):
            raise _RefusalError(
                _error(
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
            raise _RefusalError(
                _error(
                    request,
                    EnumInjectionErrorCode.SYNTAX_ERROR,
                    f"line {getattr(awaited, 'lineno', '?')} of the answer uses await (or async for/with), but "
                    f"`{scope.qualified_name}` is not an async function",
                    scope=scope,
                    suggested_fix="write synchronous code: the stub's signature (and so its def) stays as it is",
                    attempted_code=answer.body,
                )
            )

    def _body_indent(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
        """Absolute indentation of the body: as written, or one file unit deeper than a one-line ``def``."""
        first = node.body[0]
        line = self.module.lines[first.lineno - 1]
        column = char_col(line, first.col_offset)
        if line[:column].strip(" \t\f") == "":
            return line[:column]
        return leading_whitespace(self.module.lines[node.lineno - 1]) + self.indent

    def _parse_block(
        self, request: ModelCodeInjectionRequest, scope: Scope | None, text: str, indent: str
    ) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
        """Statements of ``text`` (at indentation 0) re-indented as one piece to the absolute ``indent``.

        They are parsed inside a wrapper whose first block fixes the file's indentation unit, so nested blocks that
        use it stay "default" and come out in the file's own style, and whose line endings are the file's.
        """
        lines = text.rstrip("\n").split("\n")
        indented = indent_code("\n".join(lines), indent)  # lines inside strings and blank lines stay as given
        at_module_level = indent == ""
        header = "" if at_module_level else f"async def {_WRAPPER_NAME}():\n"
        wrapper = f"if 1:\n{self.indent}pass\n{header}{indented}\n"
        try:
            parsed = _parse_cst(wrapper.replace("\n", self.newline))
        except _UnreadableSourceError as problem:
            raise _RefusalError(
                _error(
                    request,
                    EnumInjectionErrorCode.SYNTAX_ERROR,
                    f"the generated code cannot be placed at this indentation: {problem}",
                    scope=scope,
                    attempted_code=text,
                )
            ) from problem
        statements: list[cst.BaseStatement]
        footer: list[cst.EmptyLine]
        if at_module_level:
            statements, footer = list(parsed.body[1:]), list(parsed.footer)
        else:
            function = parsed.body[1]
            if not isinstance(function, cst.FunctionDef) or not isinstance(function.body, cst.IndentedBlock):
                raise _RefusalError(
                    _error(request, EnumInjectionErrorCode.SYNTAX_ERROR, "the generated code is not a block")
                )
            statements, footer = list(function.body.body), list(function.body.footer)
        if not self.options.preserve_code_formatting or _foreign_indentation(statements, self.indent):
            statements = [_with_default_indentation(stmt) for stmt in statements]
        return statements, footer

    def _new_body(
        self,
        request: ModelCodeInjectionRequest,
        scope: Scope,
        original: cst.FunctionDef,
        statements: list[cst.BaseStatement],
        footer: list[cst.EmptyLine],
    ) -> cst.BaseSuite:
        block = original.body
        kept = self._kept_prefix(block, request.preserve_docstring)
        # The answer may repeat what stays (the docstring, a leading import): those lines are not written twice.
        kept_code = {self._bare_code(stmt) for stmt in kept}
        keeps_docstring = any(_is_cst_docstring(stmt) for stmt in kept)
        while statements and (
            self._bare_code(statements[0]) in kept_code or (keeps_docstring and _is_cst_docstring(statements[0]))
        ):
            statements = statements[1:]
        if isinstance(block, cst.IndentedBlock):
            footer_kept = [line for line in block.footer if not self._is_marker(line.comment)]
            return block.with_changes(
                header=self._without_marker(block.header), body=[*kept, *statements], footer=[*footer, *footer_kept]
            )
        if not isinstance(block, cst.SimpleStatementSuite):
            raise TypeError(f"unexpected body of {scope.qualified_name}: {type(block).__name__}")
        return cst.IndentedBlock(
            body=[*kept, *statements], header=self._without_marker(block.trailing_whitespace), footer=footer
        )

    def _kept_prefix(self, block: cst.BaseSuite, keep_docstring: bool) -> list[cst.BaseStatement]:
        """The leading docstring (and any imports or strings before the stub's first marker or placeholder, as in
        ``import math`` written above a docstring): these stay; the rest of the body is replaced."""
        kept: list[cst.BaseStatement] = []
        for stmt in block.body:
            line = stmt if isinstance(stmt, cst.BaseStatement) else cst.SimpleStatementLine(body=[stmt])
            if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
                break
            if any(self._is_marker(empty.comment) for empty in line.leading_lines):
                break
            small = line.body[0]
            if not ((_is_cst_docstring(small) and keep_docstring) or isinstance(small, cst.Import | cst.ImportFrom)):
                break
            kept.append(line)
        return kept

    def _bare_code(self, stmt: cst.BaseStatement) -> str:
        if isinstance(stmt, cst.SimpleStatementLine | cst.BaseCompoundStatement):
            stmt = stmt.with_changes(leading_lines=[])
        return self.tree.code_for_node(stmt).strip()

    def _is_marker(self, comment: cst.Comment | None) -> bool:
        return comment is not None and self.comment_markers.regex.search(comment.value) is not None

    def _without_marker(self, trailing: cst.TrailingWhitespace) -> cst.TrailingWhitespace:
        if self._is_marker(trailing.comment):
            return trailing.with_changes(comment=None, whitespace=cst.SimpleWhitespace(""))
        return trailing

    def _helpers(
        self, request: ModelCodeInjectionRequest, scope: Scope, answer: Answer
    ) -> tuple[list[cst.BaseStatement], list[cst.BaseStatement], list[str]]:
        if not answer.helpers:
            return [], [], []
        names = [helper.name for helper in answer.helpers]
        if not request.allow_helpers:
            raise _RefusalError(
                _error(
                    request,
                    EnumInjectionErrorCode.UNEXPECTED_CODE,
                    f"the answer defines {', '.join(f'`{name}`' for name in names)} beside `{scope.name}`, and "
                    "this request does not allow helpers",
                    scope=scope,
                    suggested_fix=f"put everything inside `{scope.name}` (nested functions are fine)",
                )
            )
        node = scope.node
        own_indent = leading_whitespace(self.module.lines[node.lineno - 1])
        module_level_stub = scope.parent is None
        beside: list[cst.BaseStatement] = []
        module_helpers: list[cst.BaseStatement] = []
        for helper in answer.helpers:
            at_module_level = helper.at_module_level or module_level_stub
            taken = self._names_in_scope(None if at_module_level else scope.parent)
            if helper.name in taken:
                raise _RefusalError(
                    _error(
                        request,
                        EnumInjectionErrorCode.HELPER_CONFLICT,
                        f"the helper `{helper.name}` would replace a name the file already defines there",
                        scope=scope,
                        suggested_fix=f"rename the helper, or use the existing `{helper.name}`",
                    )
                )
            statements, _ = self._parse_block(request, scope, helper.source, "" if at_module_level else own_indent)
            blank = [cst.EmptyLine(indent=False)] * (2 if at_module_level else 1)
            placed = [
                stmt.with_changes(leading_lines=[*blank, *stmt.leading_lines])
                for stmt in statements
                if isinstance(stmt, cst.SimpleStatementLine | cst.BaseCompoundStatement)
            ]
            (module_helpers if at_module_level else beside).extend(placed)
        return beside, module_helpers, names

    def _names_in_scope(self, scope: Scope | None) -> set[str]:
        body = self.module.tree.body if scope is None else scope.node.body
        names: set[str] = set()
        for stmt in body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(stmt.name)
            elif isinstance(stmt, ast.Assign):
                names.update(target.id for target in stmt.targets if isinstance(target, ast.Name))
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                names.add(stmt.target.id)
        return names

    # -- imports --------------------------------------------------------------------------------------------------

    def parse_imports(
        self, request: ModelCodeInjectionRequest, scope: Scope, texts: list[str]
    ) -> list[cst.SimpleStatementLine]:
        parsed: list[cst.SimpleStatementLine] = []
        for text in texts:
            statement_text = text.strip()
            if statement_text and not statement_text.startswith(("import ", "from ")):
                statement_text = f"import {statement_text}"
            try:
                statement = cst.parse_statement(statement_text + "\n")
            except Exception as problem:
                statement = None
                reason = str(problem).splitlines()[0] if str(problem) else type(problem).__name__
            else:
                reason = "it is not a single import statement"
            if not (
                isinstance(statement, cst.SimpleStatementLine)
                and len(statement.body) == 1
                and isinstance(statement.body[0], cst.Import | cst.ImportFrom)
            ):
                raise _RefusalError(
                    _error(
                        request,
                        EnumInjectionErrorCode.INVALID_IMPORT,
                        f"required import {text!r} cannot be used: {reason}",
                        scope=scope,
                        suggested_fix="give imports as 'import x' or 'from x import y'",
                    )
                )
            parsed.append(statement)
        return parsed

    # -- applying ------------------------------------------------------------------------------------------------

    def render(self, plans: list[_Plan], imports: list[cst.SimpleStatementLine]) -> tuple[str, list[str]]:
        module_helpers: dict[int, list[cst.BaseStatement]] = {}
        for plan in plans:
            root = plan.scope
            while root.parent is not None:
                root = root.parent
            top_index = next(i for i, stmt in enumerate(self.module.tree.body) if _holds(stmt, root.node))
            extra = plan.module_helpers + (plan.beside if plan.scope.parent is None else [])
            if extra:
                module_helpers.setdefault(top_index, []).extend(extra)
        updater = _Apply(
            bodies={id(plan.original): plan.body for plan in plans},
            beside={id(plan.original): plan.beside for plan in plans if plan.scope.parent is not None},
            descend={ancestor for plan in plans for ancestor in self.cst_ancestors[id(plan.original)]},
        )
        updated = self.tree.visit(updater)
        updated, added = _ImportAdder(self.tree, imports, self.newline).apply(updated, module_helpers)
        return (BOM if self.module.has_bom else "") + updated.code, added

    def code_for(self, plan: _Plan) -> str:
        """The stub as it would read after this plan alone."""
        return self.tree.code_for_node(plan.original.with_changes(body=plan.body))


def _holds(stmt: ast.stmt, node: ast.AST) -> bool:
    if stmt is node:
        return True
    return any(child is node for child in ast.walk(stmt))


def _lines_of(scope: Scope) -> list[int]:
    node = scope.node
    return [node.lineno, *(decorator.lineno for decorator in node.decorator_list)]


class _UnreadableSourceError(Exception):
    pass


def _parse_cst(text: str) -> cst.Module:
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        raise _UnreadableSourceError(str(error).splitlines()[0]) from error
    except BaseException as error:  # the native parser can panic on inputs older releases never saw
        if isinstance(error, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        raise _UnreadableSourceError(f"{type(error).__name__}: {error}") from error


class _FunctionCollector(cst.CSTVisitor):
    """Every function definition in document order, with the ids of the nodes around it; expressions are skipped."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[cst.FunctionDef] = []
        self.ancestors: dict[int, list[int]] = {}
        self._stack: list[int] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if not isinstance(node, _STATEMENT_CONTAINERS):
            return False
        if isinstance(node, cst.FunctionDef):
            self.found.append(node)
            self.ancestors[id(node)] = list(self._stack)
        self._stack.append(id(node))
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if isinstance(original_node, _STATEMENT_CONTAINERS):
            self._stack.pop()


def _foreign_indentation(statements: Sequence[cst.BaseStatement], unit: str) -> bool:
    """Whether a nested block of ``statements`` indents with tabs where the file uses spaces, or the reverse."""
    finder = _IndentKinds()
    for stmt in statements:
        stmt.visit(finder)
    return any(("\t" in indent) != ("\t" in unit) for indent in finder.explicit)


def _with_default_indentation(stmt: cst.BaseStatement) -> cst.BaseStatement:
    updated = stmt.visit(_DefaultIndentation())
    if not isinstance(updated, cst.BaseStatement):
        raise TypeError("re-indenting a statement removed it")
    return updated


class _IndentKinds(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.explicit: list[str] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        return isinstance(node, _STATEMENT_CONTAINERS) and super().on_visit(node)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        if node.indent is not None:
            self.explicit.append(node.indent)


class _DefaultIndentation(cst.CSTTransformer):
    """Nested blocks in the file's own indentation unit."""

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        return updated_node.with_changes(indent=None)


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


class _ImportAdder:
    """Adds imports once at module level: after the docstring, ``__future__`` lines and the leading imports; an
    existing ``from x import a`` gains the new names instead of a second line."""

    def __init__(self, original: cst.Module, imports: list[cst.SimpleStatementLine], newline: str) -> None:
        self.original = original
        self.imports = imports
        self.newline = newline

    def apply(self, module: cst.Module, helpers: dict[int, list[cst.BaseStatement]]) -> tuple[cst.Module, list[str]]:
        body: list[cst.BaseStatement] = list(module.body)
        new_lines, future_lines, added = self._sort_out(body)
        start = 1 if body and _is_cst_docstring(body[0]) else 0
        position = start
        for index in range(start, len(body)):
            if not _is_import_line(body[index]):
                break
            position = index + 1
        if new_lines and position == start == 1 and not future_lines:
            new_lines[0] = new_lines[0].with_changes(leading_lines=[cst.EmptyLine()])  # keep the docstring apart
        result: list[cst.BaseStatement] = []
        for index, stmt in enumerate(body):
            if index == start:
                result.extend(future_lines)
            if index == position:
                result.extend(new_lines)
            result.append(stmt)
            result.extend(helpers.get(index, []))
        if start >= len(body):
            result.extend(future_lines)
        if position >= len(body):
            result.extend(new_lines)
        return module.with_changes(body=result), added

    def _sort_out(
        self, body: list[cst.BaseStatement]
    ) -> tuple[list[cst.SimpleStatementLine], list[cst.SimpleStatementLine], list[str]]:
        """New import lines, new ``__future__`` lines, and the text of every import added (extensions included);
        ``body`` is updated in place where an existing from-import gains names."""
        bindings = _existing_bindings(body)
        new_lines: list[cst.SimpleStatementLine] = []
        future_lines: list[cst.SimpleStatementLine] = []
        added: list[str] = []
        for statement in self.imports:
            node = statement.body[0]
            if not isinstance(node, cst.Import | cst.ImportFrom):
                continue
            missing = [key for key in _bindings_of(node) if key not in bindings and not _star_covers(key, bindings)]
            if not missing:
                continue
            bindings.update(missing)
            added.append(self.original.code_for_node(statement).strip())
            if isinstance(node, cst.ImportFrom) and self._extend_existing(body, node, missing):
                continue
            (future_lines if _is_future(node) else new_lines).append(statement)
        return new_lines, future_lines, added

    def _extend_existing(
        self, body: list[cst.BaseStatement], node: cst.ImportFrom, missing: list[tuple[str, ...]]
    ) -> bool:
        module_key = _from_key(node)
        for index, stmt in enumerate(body):
            if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
                continue
            existing = stmt.body[0]
            if not isinstance(existing, cst.ImportFrom) or isinstance(existing.names, cst.ImportStar):
                continue
            if _from_key(existing) != module_key:
                continue
            names = list(existing.names)
            template = names[-2].comma if len(names) > 1 else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            trailing = names[-1].comma
            if isinstance(template, cst.MaybeSentinel):
                template = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            names[-1] = names[-1].with_changes(comma=template)
            for position, key in enumerate(missing):
                alias = cst.ImportAlias(
                    name=cst.Name(key[-2]),
                    asname=cst.AsName(name=cst.Name(key[-1])) if key[-1] else None,
                    comma=template if position < len(missing) - 1 else trailing,
                )
                names.append(alias)
            body[index] = stmt.with_changes(body=[existing.with_changes(names=names)])
            return True
        return False


def _is_import_line(stmt: cst.BaseStatement) -> bool:
    return isinstance(stmt, cst.SimpleStatementLine) and all(
        isinstance(small, cst.Import | cst.ImportFrom) for small in stmt.body
    )


def _dotted(node: cst.BaseExpression | None) -> str:
    if node is None:
        return ""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return cst.Module(body=[]).code_for_node(node)


def _from_key(node: cst.ImportFrom) -> tuple[str, str]:
    return "." * len(node.relative), _dotted(node.module)


def _is_future(node: cst.Import | cst.ImportFrom) -> bool:
    return isinstance(node, cst.ImportFrom) and not node.relative and _dotted(node.module) == "__future__"


def _bindings_of(node: cst.Import | cst.ImportFrom) -> list[tuple[str, ...]]:
    """One key per name the statement binds: ('import', module, alias) or ('from', level, module, name, alias)."""
    if isinstance(node, cst.Import):
        return [
            ("import", _dotted(alias.name), _dotted(alias.asname.name) if alias.asname else "") for alias in node.names
        ]
    level, module = _from_key(node)
    if isinstance(node.names, cst.ImportStar):
        return [("from", level, module, "*", "")]
    return [
        ("from", level, module, _dotted(alias.name), _dotted(alias.asname.name) if alias.asname else "")
        for alias in node.names
    ]


def _existing_bindings(body: Sequence[cst.BaseStatement]) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Import | cst.ImportFrom):
                    found.update(_bindings_of(small))
    return found


def _star_covers(key: tuple[str, ...], bindings: set[tuple[str, ...]]) -> bool:
    return key[0] == "from" and ("from", key[1], key[2], "*", "") in bindings


# ----------------------------------------------------------------------------------------------------- entry point


def _compiles(text: str) -> str | None:
    try:
        compile(text, "<injected>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        return f"{getattr(error, 'msg', error)} (line {getattr(error, 'lineno', '?')})"
    return None


def inject(source: str, requests: Sequence[ModelCodeInjectionRequest], options: InjectionOptions) -> InjectionOutcome:
    """Apply ``requests`` to ``source``; requests that cannot apply are reported and leave their stub untouched.

    A source that does not parse is returned unchanged with one ``syntax_error`` per request.
    """
    try:
        injector = _Injector(source, options)
    except (ModelOnexError, _UnreadableSourceError) as problem:
        message = problem.message if isinstance(problem, ModelOnexError) else str(problem)
        return InjectionOutcome(
            source=source,
            errors=[
                _error(
                    request,
                    EnumInjectionErrorCode.SYNTAX_ERROR,
                    f"Failed to parse the source: {message}",
                    suggested_fix="fix the file's syntax before injecting code into it",
                )
                for request in requests
            ],
        )
    outcome = InjectionOutcome(source=source)
    resolved: list[tuple[ModelCodeInjectionRequest, Scope]] = []
    for request in requests:
        try:
            resolved.append((request, injector.resolve(request)))
        except _RefusalError as refusal:
            outcome.errors.append(refusal.error)
    resolved = _without_conflicts(resolved, outcome.errors)
    plans: list[_Plan] = []
    imports: list[cst.SimpleStatementLine] = []
    for request, scope in resolved:
        try:
            plan = injector.plan(request, scope)
            imports.extend(injector.parse_imports(request, scope, plan.imports))
        except _RefusalError as refusal:
            outcome.errors.append(refusal.error)
            continue
        plans.append(plan)
    if not plans:
        return outcome
    text, added = injector.render(plans, imports)
    if _compiles(text) is not None and _compiles(source) is None:
        plans, text, added = _isolate(injector, plans, outcome.errors)
    outcome.source = text
    outcome.modified = [plan.scope.qualified_name for plan in plans]
    outcome.applied = [index for index, request in enumerate(requests) if any(p.request is request for p in plans)]
    outcome.imports_added = added
    outcome.helpers_added = [name for plan in plans for name in plan.helper_names]
    return outcome


def _without_conflicts(
    resolved: list[tuple[ModelCodeInjectionRequest, Scope]], errors: list[ModelInjectionError]
) -> list[tuple[ModelCodeInjectionRequest, Scope]]:
    """Two requests for one stub, or a request inside a stub whose body another request replaces, are refused."""
    counts: dict[int, int] = {}
    for _, scope in resolved:
        counts[scope.index] = counts.get(scope.index, 0) + 1
    targeted = {scope.index: scope for _, scope in resolved}
    kept = []
    for request, scope in resolved:
        if counts[scope.index] > 1:
            errors.append(
                _error(
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
                _error(
                    request,
                    EnumInjectionErrorCode.CONFLICTING_REQUESTS,
                    f"`{scope.qualified_name}` sits inside `{outer.qualified_name}`, whose body this run replaces",
                    scope=scope,
                    suggested_fix="fill the outer function first, then extract its stubs again",
                )
            )
            continue
        kept.append((request, scope))
    return kept


def _isolate(
    injector: _Injector, plans: list[_Plan], errors: list[ModelInjectionError]
) -> tuple[list[_Plan], str, list[str]]:
    """Keep only the plans whose result compiles on its own (the rest are refused with the compiler's message)."""
    good: list[_Plan] = []
    for plan in plans:
        alone, _ = injector.render([plan], [])
        problem = _compiles(alone)
        if problem is None:
            good.append(plan)
        else:
            errors.append(
                _error(
                    plan.request,
                    EnumInjectionErrorCode.SYNTAX_ERROR,
                    f"with this answer `{plan.scope.qualified_name}` does not compile: {problem}",
                    scope=plan.scope,
                    suggested_fix="fix the answer so that the whole file compiles",
                    attempted_code=injector.code_for(plan),
                )
            )
    if not good:
        return [], injector.source, []
    imports = [
        statement for plan in good for statement in injector.parse_imports(plan.request, plan.scope, plan.imports)
    ]
    text, added = injector.render(good, imports)
    return good, text, added


def unified_diff(before: str, after: str, path: str | None) -> str:
    """A unified diff of the change (empty when nothing changed)."""
    name = path or "source.py"
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), fromfile=f"a/{name}", tofile=f"b/{name}"
    )
    out = []
    for line in lines:
        out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)


__all__ = ["InjectionOptions", "InjectionOutcome", "inject", "unified_diff"]
