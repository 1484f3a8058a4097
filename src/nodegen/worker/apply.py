"""The submitting machine's side of a result: the worker's valid code written into the local file by the injector
(the same atomic write as a local fill: lock, unchanged since it was read, temporary file and rename; a stub is
filled by the same rule, its code read back from the file), and the run's results put together as one
``nodegen fill`` result (the same totals)."""

from __future__ import annotations

from typing import Any

from nodegen.nodes.codegen_code_generator_effect.v1_0_0.models import ModelGenerationEvent
from nodegen.nodes.codegen_code_injector_effect.v1_0_0 import NodeCodegenCodeInjectorEffect
from nodegen.nodes.codegen_code_injector_effect.v1_0_0.models import ModelCodeInjectionInput
from nodegen.nodes.codegen_metrics_reducer.v1_0_0 import NodeCodegenMetricsReducer
from nodegen.nodes.codegen_metrics_reducer.v1_0_0.models import ModelMetricsReductionRequest
from nodegen.nodes.codegen_orchestrator.v1_0_0 import (
    Written,
    injection_request,
    not_filled_because,
    not_written_event,
    run_totals,
)
from nodegen.nodes.codegen_orchestrator.v1_0_0.models import (
    EnumStubStatus,
    ModelCodegenOrchestrationResult,
    ModelFileOutcome,
    ModelStubOutcome,
)
from nodegen.onex import ModelOnexError

from .models import EnumFillStatus, ModelAppliedFile, ModelFillResult, ModelFillRun


def _relabel(result: ModelFillResult, local_path: str) -> tuple[ModelFileOutcome, list[ModelStubOutcome]]:
    """The worker's outcome of the file, under the file's local name."""
    assert result.result is not None
    found = result.result.files[0] if result.result.files else ModelFileOutcome(file_path=local_path)
    file = found.model_copy(update={"file_path": local_path})
    stubs = [stub.model_copy(update={"file_path": local_path}) for stub in result.result.stubs]
    return file, stubs


async def apply_result(
    result: ModelFillResult,
    *,
    local_path: str,
    text: str,
    dry_run: bool,
    injector: NodeCodegenCodeInjectorEffect,
) -> ModelAppliedFile:
    """Write the result's valid code into ``local_path`` if it still holds ``text`` (nothing in a dry run: the
    worker's diff is the result); stubs are ``filled`` only when their code was written."""
    if result.status is EnumFillStatus.FAILED or result.result is None:
        error = f"not filled: the request failed {result.failures} times and went to the dead-letter topic: "
        return ModelAppliedFile(file=ModelFileOutcome(file_path=local_path, error=error + (result.error or "")))
    file, stubs = _relabel(result, local_path)
    filled = [index for index, stub in enumerate(stubs) if stub.status is EnumStubStatus.FILLED]
    if dry_run or file.bad_input or not filled:
        return ModelAppliedFile(file=file, stubs=stubs)
    requests = [injection_request(stubs[index]) for index in filled]
    try:
        injected = await injector.run(
            ModelCodeInjectionInput(source_code=text, file_path=local_path, injection_requests=requests)
        )
    except ModelOnexError as error:
        file.error = error.message
        written = Written()
    else:
        written = Written.of(injected)
        written.read_from_disk(injected, local_path, file)
    for position, index in enumerate(filled):  # the same rule as a local fill's: the code stands in the file read back
        stub = stubs[index]
        key = (stub.qualified_name, stub.line_number)
        why = not_filled_because(
            stub.generated_code or "", key, position, written, file_error=file.error, where=local_path
        )
        if why is not None:
            stubs[index] = stub.model_copy(update={"status": EnumStubStatus.FAILED, "message": why})
    file.stubs_filled = sum(1 for stub in stubs if stub.status is EnumStubStatus.FILLED)
    file.stubs_failed = len(stubs) - file.stubs_filled
    return ModelAppliedFile(file=file, stubs=stubs)


def not_written_events(
    applied: dict[str, ModelAppliedFile], results: dict[str, ModelFillResult], attempts: list[dict[str, Any]]
) -> list[ModelGenerationEvent]:
    """A ``not_written`` event for each stub a worker filled but the local file did not take (the local fill's
    rule, ``outcomes.not_written_event``), after that stub's last attempt: the run's metrics do not count it."""
    last = {(attempt.get("qualified_name"), attempt.get("file_path")): attempt for attempt in attempts}
    events = []
    for request_id, done in applied.items():
        result = results.get(request_id)
        if result is None or result.result is None:
            continue
        for worker_stub, local_stub in zip(result.result.stubs, done.stubs, strict=False):
            if worker_stub.status is not EnumStubStatus.FILLED or local_stub.status is EnumStubStatus.FILLED:
                continue
            own = last.get((worker_stub.qualified_name, worker_stub.file_path))
            if own is not None:
                events.append(not_written_event(ModelGenerationEvent.model_validate(own), local_stub.message))
    return events


async def merge_results(
    run: ModelFillRun,
    applied: dict[str, ModelAppliedFile],
    results: dict[str, ModelFillResult],
    *,
    reducer: NodeCodegenMetricsReducer,
    attempts: list[dict[str, Any]],
    duration_s: float,
) -> ModelCodegenOrchestrationResult:
    """One result for the run, shaped as a local fill's (``applied`` and ``results`` by request id)."""
    files = list(run.local_outcomes)
    stubs: list[ModelStubOutcome] = []
    for request in run.requests:
        request_id = str(request.request_id)
        local_path = run.local_paths.get(request_id, request.path)
        done = applied.get(request_id)
        if done is None:
            files.append(
                ModelFileOutcome(
                    file_path=local_path,
                    error=f"not finished yet: `nodegen collect {run.run_id}` writes it once a worker has filled it",
                )
            )
            continue
        files.append(done.file)
        stubs.extend(done.stubs)
    files.sort(key=lambda f: f.file_path)
    stubs.sort(key=lambda s: (s.file_path, s.line_number))
    totals = run_totals(files, stubs, complete=not run.refused)
    finished = [r.result for r in results.values() if r.result is not None]
    metrics = None
    if attempts:
        events = [*attempts, *not_written_events(applied, results, attempts)]
        reduced = await reducer.run(ModelMetricsReductionRequest(events=events), correlation_id=run.run_id)
        metrics = reduced.metrics
    written = [f.written_to for f in files if f.written_to]
    return ModelCodegenOrchestrationResult(
        success=totals.success,
        correlation_id=run.run_id,
        dry_run=run.dry_run,
        # the provider as a model call named it (a file without calls, one that does not parse, names only the spec)
        llm=next(
            (r.llm for r in finished if any(s.attempts for s in r.stubs)),
            next((r.llm for r in finished if r.llm), run.llm),
        ),
        modified_files=written,
        files=files,
        skipped_paths=run.skipped_paths,
        stubs=stubs,
        prompt_tokens=totals.prompt_tokens,
        completion_tokens=totals.completion_tokens,
        cost_usd=totals.cost_usd,
        budget_exhausted=next((r.budget_exhausted for r in finished if r.budget_exhausted), None),
        total_duration_seconds=duration_s,
        metrics=metrics,
        executed_intents=[intent for r in finished for intent in r.executed_intents],  # each worker's, per file
    )


__all__ = ["apply_result", "merge_results"]
