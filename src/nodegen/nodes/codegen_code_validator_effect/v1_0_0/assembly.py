"""The code as it will stand: in its stub, exactly as the injector would write it (the injector's own preview: one
target resolver, one indentation rule, one repeat rule), or a whole module as it is, or a bare body wrapped in a
function so that ``return`` and ``await`` are legal.

Only the lines of the generated code count (the preview's regions: the body, its helpers, the import lines it
adds); the rest of the file is context. Whatever passes validation is byte for byte what the injector writes.

The injector (and libcst with it) is imported when code is first checked in place: ``nodegen check`` of whole
modules never loads it.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nodegen.infra.source_text import declared_encoding
from nodegen.nodes.codegen_code_injector_effect.v1_0_0.models import (
    EnumInjectionErrorCode,
    ModelCodeInjectionRequest,
    ModelInjectionError,
    ModelInjectionPreview,
)
from nodegen.onex import EnumCoreErrorCode, ModelOnexError
from nodegen.pysource import BOM, EnumAnswerProblem
from nodegen.pysource.answer import dedent, indent_code

from .checks import RawFinding, finding
from .models import ModelValidationTarget

if TYPE_CHECKING:
    from nodegen.nodes.codegen_code_injector_effect.v1_0_0 import InjectionOptions

WRAPPER = "async def __nodegen_body__():\n"
_NO_TARGET = (EnumInjectionErrorCode.METHOD_NOT_FOUND, EnumInjectionErrorCode.AMBIGUOUS_TARGET)
_FINDING_CODES = {
    **{EnumInjectionErrorCode(problem.value): problem.finding_code for problem in EnumAnswerProblem},
    EnumInjectionErrorCode.SIGNATURE_MISMATCH: "SIG001",
}


@dataclass(slots=True)
class Analysed:
    """The text to analyse, which of its lines are the generated code, and how to report positions."""

    text: str
    regions: list[tuple[int, int]] | None = None
    line_offset: int = 0  # analysed line - offset = reported line
    stub: ast.FunctionDef | ast.AsyncFunctionDef | None = None  # the target as the ORIGINAL file has it
    problems: list[RawFinding] = field(default_factory=list)


def standalone(code: str) -> Analysed:
    """Code with no target: a module as it is, or a bare body inside a wrapper function."""
    try:
        compile(code, "generated.py", "exec", flags=ast.PyCF_ONLY_AST)
        compile(code, "generated.py", "exec", dont_inherit=True)
        return Analysed(text=code)
    except (SyntaxError, ValueError):
        pass
    body = dedent(code.replace("\r\n", "\n").replace("\r", "\n")).rstrip("\n")
    wrapped = WRAPPER + indent_code(body, "    ") + "\n"
    try:
        compile(wrapped, "generated.py", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return Analysed(text=code)  # report the code's own syntax error, at its own positions
    return Analysed(text=wrapped, line_offset=1)


@functools.cache
def _preview_options() -> InjectionOptions:
    """The injector's reading, less what the validator's own rules judge (placeholders: LAZY001; await in a sync
    function and the final compile: the syntax step, SYN002) and the answer size (the generator's limit)."""
    from nodegen.nodes.codegen_code_injector_effect.v1_0_0 import InjectionOptions  # noqa: PLC0415 - see the module

    return InjectionOptions(max_answer_chars=None, check_answer_content=False, compile_result=False)


def _preview(code: str, target: ModelValidationTarget, expected_line: int | None) -> ModelInjectionPreview:
    from nodegen.nodes.codegen_code_injector_effect.v1_0_0 import preview  # noqa: PLC0415 - see the module

    request = ModelCodeInjectionRequest(
        qualified_name=target.qualified_name,
        expected_line=expected_line,
        generated_code=code,
        answer=target.answer,
        required_imports=list(target.required_imports),
        allow_helpers=True,  # the workflow injects with helpers allowed
        force=True,  # the code is judged, not whether the file still holds the stub
    )
    return preview(target.source, [request], _preview_options())


def in_place(code: str, target: ModelValidationTarget) -> Analysed:
    """``code`` (a body or a whole def) in the stub ``target`` names, as the injector will write it."""
    line = target.expected_line
    result = _preview(code, target, line)
    if result.errors and result.errors[0].code is EnumInjectionErrorCode.METHOD_NOT_FOUND and line is not None:
        line = None  # the line only tells same-named functions apart
        result = _preview(code, target, line)
    if result.file_refused:
        message = result.errors[0].message if result.errors else "it cannot be read"
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.VALIDATION_ERROR,
            message=f"the target file does not parse, so code cannot be checked in it: {message}",
        )
    text = result.source[len(BOM) :] if result.source.startswith(BOM) else result.source
    if result.applied:
        regions = [(region.first_line, region.last_line) for region in result.regions]
        from nodegen.nodes.codegen_code_injector_effect.v1_0_0 import stub_definition  # noqa: PLC0415

        stub = stub_definition(target.source, target.qualified_name, line, _preview_options())
        return Analysed(text=text, regions=regions, stub=stub, problems=_unwritable(text, target.source))
    (error,) = result.errors
    if error.code in _NO_TARGET:
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.VALIDATION_ERROR,
            message=f"target `{target.qualified_name}` cannot be checked in place: {error.message}",
        )
    return Analysed(text=text, regions=[(error.line_number or 1,) * 2], problems=[_finding(error)])


def _unwritable(text: str, source: str) -> list[RawFinding]:
    """SYN005 when the file's encoding (its coding cookie: latin-1, ...) cannot write a character of the new code:
    refused here, as one answer the model can repair, rather than when the file is written (where it would cost the
    other stubs' answers too)."""
    encoding = declared_encoding(source)
    try:
        text.encode(encoding)
    except UnicodeEncodeError as error:
        bad = error.object[error.start : error.end]
        return [
            finding(
                "SYN005",
                f"the code holds {bad!r}, which the file's encoding {encoding} cannot write",
                line=text.count("\n", 0, error.start) + 1,
                fix=f"use only characters {encoding} has (in a string, an escape such as "
                f"{bad.encode('ascii', 'backslashreplace').decode()!r})",
            )
        ]
    return []


def _finding(error: ModelInjectionError) -> RawFinding:
    """The injector's refusal of the code as a finding (SYN001 syntax, SYN003 empty, SYN004 code besides the
    target or helpers and imports that cannot be placed, SIG001 another signature)."""
    return finding(
        _FINDING_CODES.get(error.code, "SYN004"), error.message, line=error.line_number, fix=error.suggested_fix
    )


__all__ = ["WRAPPER", "Analysed", "in_place", "standalone"]
