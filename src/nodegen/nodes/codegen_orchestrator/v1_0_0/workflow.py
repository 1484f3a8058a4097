"""CodeGenerationWorkflow: extract → generate ⇄ validate (repair loop) → inject (per file) → aggregate metrics.

One ``GenerateCodeEvent`` per stub fans out; a stub whose code fails validation loops back to ``generate_code``
with the findings until it passes or its attempts run out; when every stub of a file is finished the file is
injected; when every file is done the pure reducer aggregates the run. A stub's failure never fails its file and a
file's failure never fails the run: each is recorded and the rest goes on. Progress is streamed
(``StubsExtractedEvent``, ``CodeValidatedEvent``, ``CodeInjectedEvent``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID

from workflows import Context, Workflow, step
from workflows.events import StartEvent, StopEvent

from nodegen.infra.source_files import read_source
from nodegen.nodes.codegen_code_generator_effect.v1_0_0 import NodeCodegenCodeGeneratorEffect, StubConversation
from nodegen.nodes.codegen_code_generator_effect.v1_0_0.models import EnumStopReason, ModelStubGeneration
from nodegen.nodes.codegen_code_injector_effect.v1_0_0 import FILE_TARGET, NodeCodegenCodeInjectorEffect
from nodegen.nodes.codegen_metrics_reducer.v1_0_0 import NodeCodegenMetricsReducer
from nodegen.nodes.codegen_store_effect.v1_0_0 import NodeCodegenStoreEffect
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0 import NodeCodegenStubExtractorEffect
from nodegen.onex import ModelContractEffect, ModelOnexError
from nodegen.pysource import is_docstring

from .events import (
    AggregateMetricsEvent,
    CodeGeneratedEvent,
    CodeInjectedEvent,
    CodeValidatedEvent,
    GenerateCodeEvent,
    InjectCodeEvent,
    StubsExtractedEvent,
)
from .models import EnumStubStatus, ModelFileOutcome, ModelStubOutcome

# Calls in flight are bounded by the generator (generation_concurrency); these only let that many proceed.
_STEP_WORKERS = 256


@dataclass
class FillRun:
    """One run: its inputs, the nodes it calls, and what happened so far."""

    correlation_id: UUID
    files: list[Path]
    dry_run: bool
    output_directory: Path | None
    root: Path  # filled files keep their path relative to this under output_directory
    max_attempts: int | None
    generator: NodeCodegenCodeGeneratorEffect
    extractor: NodeCodegenStubExtractorEffect
    injector: NodeCodegenCodeInjectorEffect
    store: NodeCodegenStoreEffect
    reducer: NodeCodegenMetricsReducer
    feedback: str | None = None  # the package's failing test output, for a repair run
    max_file_bytes: int | None = None  # larger files are refused unread
    sources: dict[str, str] = field(default_factory=dict)
    conversations: dict[str, StubConversation] = field(default_factory=dict)
    pending: dict[str, int] = field(default_factory=dict)
    generations: dict[str, list[ModelStubGeneration]] = field(default_factory=dict)
    file_outcomes: list[ModelFileOutcome] = field(default_factory=list)
    stub_outcomes: list[ModelStubOutcome] = field(default_factory=list)
    files_left: int = 0

    def effect(self, **input_state: object) -> ModelContractEffect:
        """A contract of this run for an effect node."""
        return ModelContractEffect(correlation_id=self.correlation_id, input_state=dict(input_state))


@dataclass
class _Written:
    """What the injector made of a file's valid stubs: the requests it applied (positions), the refusals of the rest
    keyed by (qualified name, def line), and the text that now holds the new code (read back from disk)."""

    applied: set[int] = field(default_factory=set)
    refusals: dict[tuple[str, int | None], str] = field(default_factory=dict)
    text: str | None = None
    where: str | None = None


def _read_back(path: str) -> str | None:
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
    haystack = [line.strip() for line in text.splitlines()]
    position = 0
    for wanted in (line.strip() for line in lines):
        if not wanted:
            continue
        try:
            position = haystack.index(wanted, position) + 1
        except ValueError:
            return False
    return True


def _outcome(file_path: str, generation: ModelStubGeneration, status: EnumStubStatus, message: str) -> ModelStubOutcome:
    return ModelStubOutcome(
        file_path=file_path,
        qualified_name=generation.qualified_name,
        line_number=generation.line_number,
        status=status,
        message=message,
        attempts=generation.attempts,
        findings=generation.findings,
        prompt_tokens=generation.prompt_tokens,
        completion_tokens=generation.completion_tokens,
        cost_usd=generation.cost_usd,
        duration_ms=generation.duration_ms,
        generated_code=generation.generated_code,
        required_imports=generation.required_imports,
    )


class CodeGenerationWorkflow(Workflow):
    """The fill pipeline as a LlamaIndex workflow over nodegen's effect nodes."""

    def __init__(self, run: FillRun, *, timeout: float | None) -> None:
        super().__init__(timeout=timeout)
        self.fill = run

    def _file_done(self, outcome: ModelFileOutcome) -> None:
        self.fill.file_outcomes.append(outcome)
        self.fill.files_left -= 1

    @step
    async def extract_stubs(self, ctx: Context, ev: StartEvent) -> GenerateCodeEvent | AggregateMetricsEvent | None:
        """Read every file and find its stubs; one ``GenerateCodeEvent`` per stub."""
        fill = self.fill
        fill.files_left = len(fill.files)
        first: list[GenerateCodeEvent] = []
        for path in fill.files:
            file_path = str(path)
            try:
                source = read_source(path, max_bytes=fill.max_file_bytes)
                if not source.strip():  # an empty __init__.py has nothing to fill
                    self._file_done(ModelFileOutcome(file_path=file_path))
                    continue
                extraction = await fill.extractor.execute_effect(
                    fill.effect(node_file_content=source, file_path=file_path)
                )
                conversations = fill.generator.open_file(
                    source,
                    file_path,
                    extraction.stubs,
                    correlation_id=fill.correlation_id,
                    max_attempts=fill.max_attempts,
                    feedback=fill.feedback,
                )
            except ModelOnexError as error:
                self._file_done(ModelFileOutcome(file_path=file_path, error=error.message, bad_input=True))
                continue
            ctx.write_event_to_stream(StubsExtractedEvent(file_path=file_path, stubs=len(conversations)))
            if not conversations:
                self._file_done(ModelFileOutcome(file_path=file_path))
                continue
            fill.sources[file_path] = source
            fill.pending[file_path] = len(conversations)
            fill.generations[file_path] = []
            for conversation in conversations:
                key = f"{file_path}::{conversation.stub.line_number}::{conversation.stub.qualified_name}"
                fill.conversations[key] = conversation
                first.append(GenerateCodeEvent(key=key, attempt=1))
        if fill.files_left == 0:
            return AggregateMetricsEvent()
        for event in first:
            ctx.send_event(event)
        return None

    @step(num_workers=_STEP_WORKERS)
    async def generate_code(self, ev: GenerateCodeEvent) -> CodeGeneratedEvent:
        """One call to the model for one stub."""
        conversation = self.fill.conversations[ev.key]
        completion = await self.fill.generator.call(conversation)
        return CodeGeneratedEvent(key=ev.key, completion=completion)

    @step(num_workers=_STEP_WORKERS)
    async def validate_code(self, ctx: Context, ev: CodeGeneratedEvent) -> GenerateCodeEvent | InjectCodeEvent | None:
        """Read and validate the answer; loop back with the findings, or finish the stub."""
        fill = self.fill
        conversation = fill.conversations[ev.key]
        finished = True
        if ev.completion is not None:
            try:
                finished = await fill.generator.review(conversation, ev.completion)
            except ModelOnexError as error:  # the validator could not check the code: it is not written
                conversation.stop = EnumStopReason.LLM_ERROR
                conversation.failure_message = f"the code could not be validated: {error.message}"
        if not finished:
            return GenerateCodeEvent(key=ev.key, attempt=conversation.attempt + 1)
        generation = fill.generator.finish(conversation)
        file_path = conversation.context.file_path or ""
        fill.generations[file_path].append(generation)
        ctx.write_event_to_stream(
            CodeValidatedEvent(
                key=ev.key,
                file_path=file_path,
                qualified_name=generation.qualified_name,
                success=generation.success,
                attempts=generation.attempts,
                message=generation.message,
            )
        )
        fill.pending[file_path] -= 1
        return InjectCodeEvent(file_path=file_path) if fill.pending[file_path] == 0 else None

    @step(num_workers=4)
    async def inject_code(self, ctx: Context, ev: InjectCodeEvent) -> AggregateMetricsEvent | None:
        """Write the code that passed into the file (in place, under the output directory, or only as a diff)."""
        outcome, stubs = await self._inject(ev.file_path)
        self._file_done(outcome)
        ctx.write_event_to_stream(CodeInjectedEvent(outcome=outcome, stubs=stubs))
        return AggregateMetricsEvent() if self.fill.files_left == 0 else None

    async def _inject(self, file_path: str) -> tuple[ModelFileOutcome, list[ModelStubOutcome]]:
        fill = self.fill
        generations = sorted(fill.generations[file_path], key=lambda g: g.line_number)
        passed = [g for g in generations if g.success]
        outcome = ModelFileOutcome(file_path=file_path, stubs_found=len(generations))
        written = _Written()
        if passed:
            try:
                written = await self._write(file_path, passed, outcome)
            except ModelOnexError as error:
                outcome.error = error.message
        stubs = [self._stub_outcome(file_path, g, passed, outcome, written) for g in generations]
        fill.stub_outcomes.extend(stubs)
        outcome.stubs_filled = sum(1 for stub in stubs if stub.status is EnumStubStatus.FILLED)
        outcome.stubs_failed = len(generations) - outcome.stubs_filled
        return outcome, stubs

    async def _write(self, file_path: str, passed: list[ModelStubGeneration], outcome: ModelFileOutcome) -> _Written:
        """Inject ``passed`` into the file and write it where the run says (in place, the output directory, or
        only a diff); what was applied, why the rest was refused, and the text that now holds the new code."""
        fill = self.fill
        in_place = not fill.dry_run and fill.output_directory is None
        result = await fill.injector.execute_effect(
            fill.effect(
                source_code=fill.sources[file_path],
                file_path=file_path,
                dry_run=not in_place,
                injection_requests=[
                    {
                        "qualified_name": g.qualified_name,
                        "expected_line": g.line_number,
                        "generated_code": g.generated_code,
                        "required_imports": g.required_imports,
                        "allow_helpers": True,  # the generator's helpers were checked in place with the code
                    }
                    for g in passed
                ],
            )
        )
        written = _Written(applied=set(result.applied_requests))
        file_errors: list[str] = []
        for error in result.injection_errors:
            if error.method_name == FILE_TARGET:
                file_errors.append(error.message)
            else:
                key = (error.qualified_name or error.method_name, error.line_number)
                written.refusals.setdefault(key, error.message)
        outcome.diff = result.diff
        if not written.applied:
            return written
        if in_place:
            if result.written:
                outcome.written_to = file_path
                written.text, written.where = _read_back(file_path), file_path
            else:
                outcome.error = "; ".join(file_errors) or f"{file_path} was not written"
        elif fill.output_directory is not None and not fill.dry_run:
            relative = Path(file_path).resolve().relative_to(fill.root)
            stored = await fill.store.execute_effect(
                fill.effect(
                    storage_requests=[
                        {"file_path": str(relative), "content": result.modified_source, "artifact_type": "filled_file"}
                    ],
                    base_directory=str(fill.output_directory),
                )
            )
            if stored.storage_errors:
                outcome.error = "; ".join(stored.storage_errors)
            else:
                outcome.written_to = stored.stored_files[0]
                written.text, written.where = _read_back(outcome.written_to), outcome.written_to
        else:  # a dry run: the diff is the result
            written.text, written.where = (result.modified_source, "the diff") if result.diff else (None, "the diff")
        return written

    def _stub_outcome(
        self,
        file_path: str,
        generation: ModelStubGeneration,
        passed: list[ModelStubGeneration],
        outcome: ModelFileOutcome,
        written: _Written,
    ) -> ModelStubOutcome:
        """``filled`` only when the stub's new code stands in the file on disk (or in the dry run's diff)."""
        if not generation.success:
            return _outcome(file_path, generation, EnumStubStatus.FAILED, generation.message)
        kept = "; the code is kept in this run's result (--json: stubs[].generated_code)"
        index = next(i for i, g in enumerate(passed) if g is generation)
        if outcome.error is not None and (index in written.applied or not written.applied):
            message = f"valid code, but the file was not written: {outcome.error}{kept}"
        elif index not in written.applied:
            refusal = written.refusals.get((generation.qualified_name, generation.line_number))
            message = f"valid code, but the injector refused it: {refusal or 'it was not applied'}{kept}"
        elif written.text is None or not holds_code(written.text, generation.generated_code or ""):
            message = f"valid code, but it is not in {written.where or file_path} after writing{kept}"
        else:
            return _outcome(file_path, generation, EnumStubStatus.FILLED, generation.message)
        return _outcome(file_path, generation, EnumStubStatus.FAILED, message)

    @step
    async def aggregate_metrics(self, ev: AggregateMetricsEvent) -> StopEvent:
        """The pure reducer over every attempt of the run."""
        events = [event for file in self.fill.generations.values() for g in file for event in g.events]
        output = await self.fill.reducer.execute_reduction(
            {"correlation_id": self.fill.correlation_id, "input_state": {"events": events}}
        )
        return StopEvent(result=output)


__all__ = ["CodeGenerationWorkflow", "FillRun"]
