"""What the injector is told (its options), and how it says no to one request (a refusal)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nodegen.nodes.codegen_code_injector_effect.v1_0_0.models import (
    EnumInjectionErrorCode,
    ModelCodeInjectionRequest,
    ModelInjectionError,
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


__all__ = ["InjectionOptions", "RefusalError", "refusal"]
