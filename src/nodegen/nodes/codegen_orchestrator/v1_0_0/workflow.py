"""CodeGenerationWorkflow: extract → generate → validate (→ generate again with the findings, bounded) → inject (per
file) → aggregate metrics.

One ``GenerateCodeEvent`` per stub fans out; the generator's answer, read and prepared (``CodeGeneratedEvent``), is
validated in its own step by the validator node; code with errors goes back to ``generate_code`` with the findings
and the previous answer until it passes or its attempts run out; when every stub of a file is finished the file is
injected; when every file is done the pure reducer aggregates the run. Events carry typed stub references
(``ModelStubRef``) and results; the run's state is the workflow's typed context (``Context[ModelFillState]``). A
stub's failure never fails its file and a file's failure never fails the run: each is recorded and the rest goes on.
Progress is streamed (``StubsExtractedEvent``, ``CodeValidatedEvent``, ``CodeInjectedEvent``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID

from workflows import Context, Workflow, step
from workflows.events import StartEvent, StopEvent

from nodegen.infra.source_text import read_source
from nodegen.nodes.codegen_code_generator_effect.v1_0_0 import (
    ModelAttemptVerdict,
    ModelCodeGenerationRequest,
    NodeCodegenCodeGeneratorEffect,
    StubConversation,
)
from nodegen.nodes.codegen_code_generator_effect.v1_0_0.models import ModelStubGeneration
from nodegen.nodes.codegen_code_injector_effect.v1_0_0 import NodeCodegenCodeInjectorEffect
from nodegen.nodes.codegen_code_injector_effect.v1_0_0.models import ModelCodeInjectionInput
from nodegen.nodes.codegen_code_validator_effect.v1_0_0 import NodeCodegenCodeValidatorEffect
from nodegen.nodes.codegen_metrics_reducer.v1_0_0 import NodeCodegenMetricsReducer
from nodegen.nodes.codegen_metrics_reducer.v1_0_0.models import ModelMetricsReductionRequest
from nodegen.nodes.codegen_store_effect.v1_0_0 import NodeCodegenStoreEffect
from nodegen.nodes.codegen_store_effect.v1_0_0.models import ModelArtifactStorageRequest, ModelStoreRequest
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0 import NodeCodegenStubExtractorEffect
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.models import ModelStubExtractionRequest
from nodegen.onex import ModelOnexError

from .events import (
    AggregateMetricsEvent,
    CodeGeneratedEvent,
    CodeInjectedEvent,
    CodeValidatedEvent,
    GenerateCodeEvent,
    InjectCodeEvent,
    StubFinishedEvent,
    StubsExtractedEvent,
)
from .models import EnumStubStatus, ModelFileOutcome, ModelFileRun, ModelFillState, ModelStubOutcome, ModelStubRef
from .outcomes import Written, final_outcome, holds_code, injection_request, read_back, record_not_written
from .stub_order import fill_order

# Calls in flight are bounded by the generator (generation_concurrency); these only let that many proceed.
_STEP_WORKERS = 256
# Stubs started ahead of the calls in flight: the rest wait in the run's state, not as pending workflow events
# (the workflow runtime copies every pending delivery on each of its ticks: 1,000 at once cost O(n^2)).
_AHEAD = 2


@dataclass(frozen=True)
class FillRun:
    """One run's inputs and the nodes it calls (what happens is the workflow's state, ``ModelFillState``)."""

    correlation_id: UUID
    files: list[Path]
    dry_run: bool
    output_directory: Path | None
    root: Path  # filled files keep their path relative to this under output_directory
    max_attempts: int | None
    generator: NodeCodegenCodeGeneratorEffect
    validator: NodeCodegenCodeValidatorEffect
    extractor: NodeCodegenStubExtractorEffect
    injector: NodeCodegenCodeInjectorEffect
    store: NodeCodegenStoreEffect
    reducer: NodeCodegenMetricsReducer
    feedback: str | None = None  # the package's failing test output, for a repair run
    max_file_bytes: int | None = None  # larger files are refused unread
    known: Mapping[str, Sequence[str]] = field(default_factory=dict)  # code per stub to try before the model


class CodeGenerationWorkflow(Workflow):
    """The fill pipeline as a LlamaIndex workflow over nodegen's effect nodes."""

    def __init__(self, run: FillRun, *, timeout: float | None) -> None:
        super().__init__(timeout=timeout)
        self.fill = run

    @step
    async def extract_stubs(
        self, ctx: Context[ModelFillState], ev: StartEvent
    ) -> GenerateCodeEvent | AggregateMetricsEvent | None:
        """Read every file and find its stubs; one ``GenerateCodeEvent`` per stub."""
        fill = self.fill
        async with ctx.store.edit_state() as state:
            for path in fill.files:
                file_path = str(path)
                try:
                    source = read_source(path, max_bytes=fill.max_file_bytes)
                    if not source.strip():  # an empty __init__.py has nothing to fill
                        state.file_outcomes.append(ModelFileOutcome(file_path=file_path))
                        continue
                    extraction = await fill.extractor.run(
                        ModelStubExtractionRequest(node_file_content=source, file_path=file_path),
                        correlation_id=fill.correlation_id,
                    )
                    conversations = fill.generator.open_file(
                        source,
                        file_path,
                        extraction.stubs,
                        correlation_id=fill.correlation_id,
                        max_attempts=fill.max_attempts,
                        feedback=fill.feedback,
                        known=fill.known,
                    )
                except ModelOnexError as error:
                    state.file_outcomes.append(
                        ModelFileOutcome(file_path=file_path, error=error.message, bad_input=True)
                    )
                    continue
                ctx.write_event_to_stream(StubsExtractedEvent(file_path=file_path, stubs=len(conversations)))
                if not conversations:
                    state.file_outcomes.append(ModelFileOutcome(file_path=file_path))
                    continue
                state.files[file_path] = ModelFileRun(
                    file_path=file_path, source=source, waiting=len(conversations), linked=path.is_symlink()
                )
                state.generations[file_path] = []
                self._queue(state, file_path, conversations)
            state.files_left = len(state.files)
            state.waiting_stubs.reverse()  # taken from the end: file order
            first = self._ready(state)
        if not first:
            return AggregateMetricsEvent()
        for stub in first:
            ctx.send_event(GenerateCodeEvent(stub=stub))
        return None

    @staticmethod
    def _queue(state: ModelFillState, file_path: str, conversations: list[StubConversation]) -> None:
        """A file's stubs put in line, in the order they are filled (``stub_order``: a method after the methods of
        its class it depends on), with what each waits for."""
        refs = {
            id(c.stub): ModelStubRef(
                file_path=file_path, qualified_name=c.stub.qualified_name, line_number=c.stub.line_number
            )
            for c in conversations
        }
        by_name = {ref.qualified_name: ref for ref in refs.values()}
        for conversation in conversations:
            state.conversations[refs[id(conversation.stub)]] = conversation
        for stub, needs in fill_order([c.stub for c in conversations]):
            state.waiting_stubs.append(refs[id(stub)])
            if needs:
                state.needs[refs[id(stub)]] = {by_name[name] for name in needs}

    def _ready(self, state: ModelFillState) -> list[ModelStubRef]:
        """The stubs that start now (counted as running): the next ones in line whose stubs they wait for are
        finished, as many as keep every call slot busy."""
        started: list[ModelStubRef] = []
        index = len(state.waiting_stubs) - 1
        while index >= 0 and state.running < max(1, _AHEAD * self.fill.generator.concurrency):
            stub = state.waiting_stubs[index]
            if state.needs.get(stub, set()) <= state.finished:
                started.append(state.waiting_stubs.pop(index))
                state.running += 1
            index -= 1
        return started

    @step(num_workers=_STEP_WORKERS)
    async def generate_code(
        self, ctx: Context[ModelFillState], ev: GenerateCodeEvent
    ) -> CodeGeneratedEvent | StubFinishedEvent:
        """One attempt at one stub by the generator's port: the verdict on the previous one recorded, then one call
        to the model and its answer read for validation; or the stub's outcome."""
        state = await ctx.store.get_state()
        conversation = ev.conversation
        if conversation is None:  # the first attempt: the conversation as opened
            conversation = state.conversations[ev.stub]
            if ev.stub in state.needs:
                conversation = await self._reopen(ev.stub, conversation, state.files[ev.stub.file_path])
        request = ModelCodeGenerationRequest(
            conversation=conversation,
            verdict=ev.verdict,
            working_source=state.files[ev.stub.file_path].working_source,
        )
        result = await self.fill.generator.run(request, correlation_id=self.fill.correlation_id)
        state.attempts[ev.stub] = result.conversation.attempt  # shared, not copied: read if the run times out
        if result.generation is not None:
            return StubFinishedEvent(stub=ev.stub, generation=result.generation, conversation=result.conversation)
        assert result.draft is not None  # the port's result holds one or the other
        return CodeGeneratedEvent(stub=ev.stub, conversation=result.conversation, draft=result.draft)

    @step(num_workers=_STEP_WORKERS)
    async def validate_code(self, ev: CodeGeneratedEvent) -> GenerateCodeEvent:
        """Validate the draft's code in place (the validator node); the verdict goes back to the generator with
        the next attempt, which records it and, while attempts are left, sends the findings back."""
        request = ev.draft.validation
        if request is None:  # not readable: the candidate's findings are the verdict
            return GenerateCodeEvent(
                stub=ev.stub, conversation=ev.conversation, verdict=ModelAttemptVerdict(draft=ev.draft)
            )
        try:
            result = await self.fill.validator.run(request, correlation_id=self.fill.correlation_id)
        except ModelOnexError as error:  # the validator could not check the code: it is not written
            verdict = ModelAttemptVerdict(draft=ev.draft, unchecked=error.message)
        else:
            verdict = ModelAttemptVerdict(draft=ev.draft, validation=result)
        return GenerateCodeEvent(stub=ev.stub, conversation=ev.conversation, verdict=verdict)

    async def _reopen(self, stub: ModelStubRef, conversation: StubConversation, file: ModelFileRun) -> StubConversation:
        """A method that waited for others of its class, asked about the class as it stands now: the prompt shows
        the code of those that passed (only a method whose name is its own: its line has moved)."""
        fill, working = self.fill, file.working_source
        if working is None or not conversation.unique_name:
            return conversation
        try:
            extraction = await fill.extractor.run(
                ModelStubExtractionRequest(node_file_content=working, file_path=stub.file_path),
                correlation_id=fill.correlation_id,
            )
            moved = [s for s in extraction.stubs if s.qualified_name == stub.qualified_name]
            if len(moved) != 1:
                return conversation
            return fill.generator.open_file(
                working,
                stub.file_path,
                moved,
                correlation_id=fill.correlation_id,
                max_attempts=fill.max_attempts,
                feedback=fill.feedback,
                known=fill.known,
            )[0]
        except ModelOnexError:  # the working text always parses; the file as read is what is asked about then
            return conversation

    @step
    async def finish_stub(self, ctx: Context[ModelFillState], ev: StubFinishedEvent) -> InjectCodeEvent | None:
        """Record a finished stub; when it was its file's last, the file is ready to inject."""
        generation = ev.generation
        async with ctx.store.edit_state() as state:
            if generation.line_number != ev.stub.line_number:  # asked in the working text (``_reopen``)
                generation = generation.model_copy(update={"line_number": ev.stub.line_number})
            state.generations[ev.stub.file_path].append(generation)
            file = state.files[ev.stub.file_path]
            file.waiting -= 1
            done = file.waiting == 0
            state.running -= 1
            state.finished.add(ev.stub)
            following = self._ready(state)
        conversation = ev.conversation
        if generation.success and not done and conversation.stub.enclosing_classes and conversation.unique_name:
            await self._place_method(ctx, ev.stub.file_path, generation)  # a module function's siblings do not run it
        for stub in following:  # started after the method is in place: a stub waiting for it is asked about it
            ctx.send_event(GenerateCodeEvent(stub=stub))
        ctx.write_event_to_stream(CodeValidatedEvent(stub=ev.stub, generation=generation))
        return InjectCodeEvent(file_path=ev.stub.file_path) if done else None

    async def _place_method(self, ctx: Context[ModelFillState], file_path: str, passed: ModelStubGeneration) -> None:
        """The file's working text with a method that passed put in place (the injector's dry run, one method at a
        time: its name is its own, so it is found in a text whose lines have moved)."""
        state = await ctx.store.get_state()
        file = state.files[file_path]
        request = injection_request(passed)
        result = await self.fill.injector.run(
            ModelCodeInjectionInput(
                source_code=file.working_source or file.source,
                file_path=file_path,
                dry_run=True,
                injection_requests=[request.model_copy(update={"expected_line": None})],
            ),
            correlation_id=self.fill.correlation_id,
        )
        if result.applied_requests:
            async with ctx.store.edit_state() as state:
                state.files[file_path].working_source = result.modified_source

    @step(num_workers=4)
    async def inject_code(self, ctx: Context[ModelFillState], ev: InjectCodeEvent) -> AggregateMetricsEvent | None:
        """Write the code that passed into the file (in place, under the output directory, or only as a diff)."""
        state = await ctx.store.get_state()
        outcome, stubs = await self._inject(state.files[ev.file_path], state.generations[ev.file_path])
        async with ctx.store.edit_state() as state:
            state.file_outcomes.append(outcome)
            state.stub_outcomes.extend(stubs)
            state.files_left -= 1
            last = state.files_left == 0
        ctx.write_event_to_stream(CodeInjectedEvent(outcome=outcome, stubs=stubs))
        return AggregateMetricsEvent() if last else None

    async def _inject(
        self, file: ModelFileRun, generations: list[ModelStubGeneration]
    ) -> tuple[ModelFileOutcome, list[ModelStubOutcome]]:
        file_path = file.file_path
        generations = sorted(generations, key=lambda g: g.line_number)
        passed = [g for g in generations if g.success]
        outcome = ModelFileOutcome(file_path=file_path, stubs_found=len(generations))
        written = Written()
        if passed:
            try:
                written = await self._write(file, passed, outcome)
            except ModelOnexError as error:
                outcome.error = error.message
        stubs = [final_outcome(file_path, g, passed, outcome, written) for g in generations]
        for generation, stub in zip(generations, stubs, strict=True):
            record_not_written(generation, stub)
        outcome.stubs_filled = sum(1 for stub in stubs if stub.status is EnumStubStatus.FILLED)
        outcome.stubs_failed = len(generations) - outcome.stubs_filled
        return outcome, stubs

    async def _write(self, file: ModelFileRun, passed: list[ModelStubGeneration], outcome: ModelFileOutcome) -> Written:
        """Inject ``passed`` into the file and write it where the run says (in place, the output directory, or
        only a diff); what was applied, why the rest was refused, and the text that now holds the new code."""
        fill, file_path = self.fill, file.file_path
        in_place = not fill.dry_run and fill.output_directory is None
        result = await fill.injector.run(
            ModelCodeInjectionInput(
                source_code=file.source,
                file_path=file_path,
                through_symlink=file.linked,  # a file swapped for a link meanwhile is not written through it
                dry_run=not in_place,
                injection_requests=[injection_request(generation) for generation in passed],
            ),
            correlation_id=fill.correlation_id,
        )
        written = Written.of(result)
        outcome.diff = result.diff
        if not written.applied:
            return written
        if in_place:
            written.read_from_disk(result, file_path, outcome)
        elif fill.output_directory is not None and not fill.dry_run:
            relative = Path(file_path).resolve().relative_to(fill.root)
            file_out = ModelArtifactStorageRequest(
                file_path=str(relative), content=result.modified_source, artifact_type="filled_file"
            )
            stored = await fill.store.run(
                ModelStoreRequest(storage_requests=[file_out], base_directory=str(fill.output_directory)),
                correlation_id=fill.correlation_id,
            )
            if stored.storage_errors:
                outcome.error = "; ".join(stored.storage_errors)
            else:
                outcome.written_to = stored.stored_files[0]
                written.text, written.where = read_back(outcome.written_to), outcome.written_to
        else:  # a dry run: the diff is the result
            written.text, written.where = (result.modified_source, "the diff") if result.diff else (None, "the diff")
        return written

    @step
    async def aggregate_metrics(self, ctx: Context[ModelFillState], ev: AggregateMetricsEvent) -> StopEvent:
        """The pure reducer over every attempt of the run."""
        state = await ctx.store.get_state()
        events = [event for file in state.generations.values() for g in file for event in g.events]
        output = await self.fill.reducer.run(
            ModelMetricsReductionRequest(events=events), correlation_id=self.fill.correlation_id
        )
        return StopEvent(result=output)


__all__ = ["CodeGenerationWorkflow", "FillRun", "holds_code"]
