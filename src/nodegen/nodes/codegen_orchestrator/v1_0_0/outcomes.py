"""A stub's final status in a run: ``filled`` only when its new code stands in the file as written (or in the dry
run's diff); otherwise ``failed`` with what went wrong (findings, a refusal of the injector, a write error). One rule
for a local fill and for a worker's result written into the submitting machine's file (``not_filled_because``), and
one for a run's totals (``run_totals``)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

from nodegen.infra.source_text import read_source
from nodegen.nodes.codegen_code_generator_effect.v1_0_0.models import (
    EnumAttemptOutcome,
    ModelGenerationEvent,
    ModelStubGeneration,
)
from nodegen.nodes.codegen_code_injector_effect.v1_0_0.models import ModelCodeInjectionRequest, ModelCodeInjectionResult
from nodegen.onex import ModelOnexError
from nodegen.pysource import is_docstring
from nodegen.pysource.text import LineIndex

from .models import EnumStubStatus, ModelFileOutcome, ModelStubOutcome

_KEPT = "; the code is kept in this run's result (--json: stubs[].generated_code)"


@dataclass
class Written:
    """What the injector made of a file's valid stubs: the requests it applied (positions), the refusals of the rest
    keyed by (qualified name, def line), and the text that now holds the new code (read back from disk)."""

    applied: set[int] = field(default_factory=set)
    refusals: dict[tuple[str, int | None], str] = field(default_factory=dict)
    text: str | None = None
    where: str | None = None

    @classmethod
    def of(cls, result: ModelCodeInjectionResult) -> Written:
        """What ``result`` applied and refused (the text is read back by the caller, once the file is written)."""
        written = cls(applied=set(result.applied_requests))
        for error in result.injection_errors:
            written.refusals.setdefault((error.qualified_name or error.method_name, error.line_number), error.message)
        return written

    def read_from_disk(self, result: ModelCodeInjectionResult, path: str, file: ModelFileOutcome) -> None:
        """For a file written in place (a local fill's, a worker's result applied): the text read back from ``path``
        when ``result`` wrote it (``file.written_to``), else why it was not written (``file.error``)."""
        if result.written:
            file.written_to = path
            self.text, self.where = read_back(path), path
        else:
            refusal = result.file_refusal
            file.error = refusal.message if refusal is not None else f"{path} was not written"


def read_back(path: str) -> str | None:
    """The file's text as it now stands (None when it cannot be read)."""
    try:
        return read_source(Path(path))
    except ModelOnexError:
        return None


def holds_code(text: str, code: str) -> bool:
    """Whether every line of ``code`` (a body) stands in ``text`` in order, indentation aside; a leading docstring
    is not counted (the stub keeps its own)."""
    lines = code.splitlines()
    try:
        first = ast.parse(code).body
    except SyntaxError:
        first = []
    if first and is_docstring(first[0]):
        lines = lines[first[0].end_lineno or 0 :]
    wanted = [line.strip() for line in lines if line.strip()]
    found = 0
    for line in LineIndex(text):  # in order, the earliest match each (a large file's lines are never all held)
        if found < len(wanted) and line.strip() == wanted[found]:
            found += 1
    return found == len(wanted)


def stub_outcome(
    file_path: str, generation: ModelStubGeneration, status: EnumStubStatus, message: str
) -> ModelStubOutcome:
    """The outcome of one stub from its generation."""
    return ModelStubOutcome(
        file_path=file_path,
        qualified_name=generation.qualified_name,
        line_number=generation.line_number,
        status=status,
        message=message,
        attempts=generation.attempts,
        findings=generation.findings,
        warnings=generation.warnings if status is EnumStubStatus.FILLED else [],
        prompt_tokens=generation.prompt_tokens,
        completion_tokens=generation.completion_tokens,
        cost_usd=generation.cost_usd,
        duration_ms=generation.duration_ms,
        generated_code=generation.generated_code,
        required_imports=generation.required_imports,
        selection=generation.selection,
    )


def not_written_event(last: ModelGenerationEvent, message: str) -> ModelGenerationEvent:
    """The ``not_written`` event that follows a stub's last attempt when its valid code was not taken by the file
    (locked by another run, changed meanwhile, refused at write): free, so that metrics count the stub not filled."""
    free = dict.fromkeys(("prompt_tokens", "completion_tokens", "latency_ms", "retries", "cost_usd"), 0)
    return last.model_copy(
        update={
            **free,
            "event_id": uuid4(),
            "timestamp": datetime.now(UTC),
            "outcome": EnumAttemptOutcome.NOT_WRITTEN,
            "message": message,
            "cache_hit": False,
        }
    )


def record_not_written(generation: ModelStubGeneration, stub: ModelStubOutcome) -> None:
    """A valid answer the file did not take gets a ``not_written`` event after its attempts, so that the metrics of
    the run, and of the store, do not count the stub filled."""
    if not generation.success or stub.status is EnumStubStatus.FILLED or not generation.events:
        return
    generation.events.append(not_written_event(generation.events[-1], stub.message))


def injection_request(stub: ModelStubGeneration | ModelStubOutcome) -> ModelCodeInjectionRequest:
    """The injector's request for a stub's code that passed (a local fill's generation or a worker's outcome): its
    helpers come along, since they were checked in place with the code."""
    return ModelCodeInjectionRequest(
        qualified_name=stub.qualified_name,
        expected_line=stub.line_number,
        generated_code=stub.generated_code or "",
        answer=stub.answer if isinstance(stub, ModelStubGeneration) else None,  # as read and validated
        required_imports=stub.required_imports,
        allow_helpers=True,
    )


def not_filled_because(
    code: str, key: tuple[str, int | None], index: int, written: Written, *, file_error: str | None, where: str
) -> str | None:
    """Why valid code (request ``index`` of the write, stub ``key``) is not filled, or None when it stands in the
    text as written: the file was not written, the injector refused it, or it is not found in the text read back."""
    if file_error is not None and (index in written.applied or not written.applied):
        return f"valid code, but the file was not written: {file_error}{_KEPT}"
    if index not in written.applied:
        return f"valid code, but the injector refused it: {written.refusals.get(key) or 'it was not applied'}{_KEPT}"
    if written.text is None or not holds_code(written.text, code):
        return f"valid code, but it is not in {written.where or where} after writing{_KEPT}"
    return None


def final_outcome(
    file_path: str,
    generation: ModelStubGeneration,
    passed: list[ModelStubGeneration],
    outcome: ModelFileOutcome,
    written: Written,
) -> ModelStubOutcome:
    """``filled`` only when the stub's new code stands in the file on disk (or in the dry run's diff)."""
    if not generation.success:
        return stub_outcome(file_path, generation, EnumStubStatus.FAILED, generation.message)
    index = next(i for i, g in enumerate(passed) if g is generation)
    key = (generation.qualified_name, generation.line_number)
    why = not_filled_because(
        generation.generated_code or "", key, index, written, file_error=outcome.error, where=file_path
    )
    if why is None:
        return stub_outcome(file_path, generation, EnumStubStatus.FILLED, generation.message)
    return stub_outcome(file_path, generation, EnumStubStatus.FAILED, why)


@dataclass(frozen=True, slots=True)
class RunTotals:
    """A run's verdict and what it cost, from its files and stubs."""

    success: bool
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None  # None when a stub's provider gave no price


def run_totals(files: list[ModelFileOutcome], stubs: list[ModelStubOutcome], *, complete: bool) -> RunTotals:
    """Success only when the run went to its end (``complete``), every stub is filled and no file has an error;
    the cost is unknown when any stub that called a model has none."""
    costs = [stub.cost_usd for stub in stubs if stub.attempts]
    return RunTotals(
        success=complete
        and all(stub.status is EnumStubStatus.FILLED for stub in stubs)
        and not any(file.error for file in files),
        prompt_tokens=sum(stub.prompt_tokens for stub in stubs),
        completion_tokens=sum(stub.completion_tokens for stub in stubs),
        cost_usd=None if any(cost is None for cost in costs) else sum(cost or 0.0 for cost in costs),
    )


__all__ = [
    "RunTotals",
    "Written",
    "final_outcome",
    "holds_code",
    "injection_request",
    "not_filled_because",
    "not_written_event",
    "read_back",
    "record_not_written",
    "run_totals",
    "stub_outcome",
]
