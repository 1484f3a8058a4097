"""What the injector is told (its options), and how it says no to one request (a refusal)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nodegen.nodes.codegen_code_injector_effect.v1_0_0.models import (
    EnumInjectionErrorCode,
    ModelCodeInjectionRequest,
    ModelInjectionError,
    ModelInjectionPreview,
)
from nodegen.pysource import DEFAULT_STUB_MARKERS, Scope


@dataclass(slots=True)
class InjectionOptions:
    """How the injector reads stubs and requests."""

    patterns: Sequence[str] = DEFAULT_STUB_MARKERS
    strict_line_matching: bool = True
    preserve_code_formatting: bool = True
    max_answer_chars: int | None = 20_000  # a longer answer is refused before it is read
    # False: placeholder bodies and await in a sync function are left to the caller's own rules (the validator
    # reports them as LAZY001 and SYN002); where and what is written does not change.
    check_answer_content: bool = True
    # False: the caller compiles the text itself (the validator's syntax step does, with the same flags).
    compile_result: bool = True
    # Where the text is a large file's condensed one (large.py): a line of it, or of a text made from it, as the
    # file's line; the messages that name a line of the file use it. None: the text is the file.
    line_in_file: Callable[[str, int], int] | None = None

    def file_line(self, text: str, line: int) -> int:
        """Line ``line`` of ``text`` as the line of the file a message names."""
        return line if self.line_in_file is None else self.line_in_file(text, line)


class RefusalError(Exception):
    """One request cannot apply; ``error`` says why and what to do."""

    def __init__(self, error: ModelInjectionError) -> None:
        super().__init__(error.message)
        self.error = error


def refusal(
    request: ModelCodeInjectionRequest,
    code: EnumInjectionErrorCode,
    message: str,
    *,
    scope: Scope | None = None,
    suggested_fix: str | None = None,
    attempted_code: str | None = None,
    line: int | None = None,
) -> ModelInjectionError:
    """The error of a refused request (its line: the given one, else the stub's ``def``, else the expected one)."""
    return ModelInjectionError(
        code=code,
        method_name=request.target,
        qualified_name=scope.qualified_name if scope is not None else None,
        message=message,
        line_number=line if line is not None else (scope.node.lineno if scope is not None else request.expected_line),
        suggested_fix=suggested_fix,
        attempted_code=attempted_code,
    )


def file_refused(
    source: str, requests: Sequence[ModelCodeInjectionRequest], message: str, fix: str
) -> ModelInjectionPreview:
    """The preview of a file nothing is written into: ``source`` unchanged, one ``syntax_error`` per request."""
    return ModelInjectionPreview(
        source=source,
        errors=[
            refusal(request, EnumInjectionErrorCode.SYNTAX_ERROR, message, suggested_fix=fix) for request in requests
        ],
        file_refused=True,
    )


def not_compiling(source: str, requests: Sequence[ModelCodeInjectionRequest], problem: str) -> ModelInjectionPreview:
    """The preview of a file that does not compile as it is (``problem``, the compiler's words)."""
    return file_refused(
        source,
        requests,
        f"the file does not compile as it is ({problem}): nothing is written into it",
        "fix the file so that it compiles, then fill its stubs",
    )


__all__ = ["InjectionOptions", "RefusalError", "file_refused", "not_compiling", "refusal"]
