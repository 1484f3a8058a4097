"""NodeCodegenOrchestrator - fill the stubs of files: run CodeGenerationWorkflow over the effect nodes, execute the
reducer's intents in priority order, and publish the run's lifecycle events.

ONEX v2.0: suffix naming ``Node<Name><Type>``, subclass of ``NodeOrchestrator``; errors as ``ModelOnexError``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, assert_never
from uuid import UUID

from workflows.errors import WorkflowTimeoutError
from workflows.events import Event

from nodegen.infra.bus import EventBus, InProcessBus, ModelEventEnvelope, topic_for
from nodegen.infra.outbox import OutboxRelay
from nodegen.infra.source_files import select_sources
from nodegen.infra.store import CodegenStore, open_store
from nodegen.nodes.codegen_code_generator_effect.v1_0_0 import NodeCodegenCodeGeneratorEffect
from nodegen.nodes.codegen_code_injector_effect.v1_0_0 import NodeCodegenCodeInjectorEffect
from nodegen.nodes.codegen_code_validator_effect.v1_0_0 import NodeCodegenCodeValidatorEffect
from nodegen.nodes.codegen_metrics_reducer.v1_0_0 import NodeCodegenMetricsReducer
from nodegen.nodes.codegen_metrics_reducer.v1_0_0.models import (
    CodegenIntent,
    ModelCodegenMetricsReducerOutput,
    ModelPersistMetricsIntent,
    ModelPublishMetricsIntent,
)
from nodegen.nodes.codegen_store_effect.v1_0_0 import NodeCodegenStoreEffect
from nodegen.nodes.codegen_store_effect.v1_0_0.models import ModelStoreRequest
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0 import NodeCodegenStubExtractorEffect
from nodegen.onex import (
    EnumLogLevel,
    ModelContainer,
    ModelContractOrchestrator,
    ModelOnexError,
    NodeOrchestrator,
    TypedPort,
    emit_log_event,
    sort_intents,
)
from nodegen.services import NodegenServices

from .events import EnumLifecycleEvent
from .models import (
    EnumStubStatus,
    ModelCodegenOrchestrationRequest,
    ModelCodegenOrchestrationResult,
    ModelFillState,
    ModelIntentExecution,
    ModelStubOutcome,
)
from .models.model_orchestrator_options import ModelOrchestratorOptions
from .new_package import NewPackage
from .outcomes import run_totals
from .workflow import CodeGenerationWorkflow, FillRun

ProgressCallback = Callable[[Event], Awaitable[None] | None]


class NodeCodegenOrchestrator(
    NodeOrchestrator[ModelCodegenOrchestrationResult],
    TypedPort[ModelContractOrchestrator, ModelCodegenOrchestrationRequest, ModelCodegenOrchestrationResult],
):
    """Input: ``files`` (files and folders), or ``prompt`` (scaffolding), ``output_directory``, ``dry_run``, ``llm``,
    ``max_attempts``, ``concurrency``, ``max_tokens``, ``max_cost_usd``. Services (all optional): ``llm_client``,
    ``codegen_store``, ``event_bus``, ``code_validator`` (the workflow's validation step and the generator use it),
    ``progress`` (called with each streamed workflow event). Typed port:
    ``await run(ModelCodegenOrchestrationRequest(...))``."""

    request_type = ModelCodegenOrchestrationRequest

    def __init__(self, container: ModelContainer) -> None:
        super().__init__(container)
        self.settings = ModelOrchestratorOptions.from_container(container)
        self.services = NodegenServices.of(container)
        self.timeout_s: float | None = self.settings.workflow_timeout_s

    def _run_container(
        self, request: ModelCodegenOrchestrationRequest, services: NodegenServices | None = None
    ) -> ModelContainer:
        """A container for one run: the request's settings over this node's, and ``services`` (default this
        node's)."""
        overrides = {
            key: value
            for key, value in {
                "llm": request.llm,
                "max_attempts": request.max_attempts,
                "generation_concurrency": request.concurrency,
                "max_tokens": request.max_tokens,
                "max_cost_usd": request.max_cost_usd,
            }.items()
            if value is not None
        }
        config = self.container.config
        return ModelContainer.from_settings(
            config.settings,
            overrides={**config.overrides, **overrides},
            services=(services or self.services).registry(),
        )

    def _bus(self, store: CodegenStore) -> tuple[EventBus | OutboxRelay, bool]:
        """The configured bus (Kafka through the outbox), and whether this node owns it."""
        if self.services.event_bus is not None:
            return self.services.event_bus, False
        bootstrap = self.settings.kafka_bootstrap
        if bootstrap:
            from nodegen.infra.bus_kafka import KafkaBus  # noqa: PLC0415 - aiokafka, for a configured broker only

            return OutboxRelay(store, KafkaBus(bootstrap)), True
        return InProcessBus(), True

    async def _handle(
        self, request: ModelCodegenOrchestrationRequest, correlation_id: UUID
    ) -> ModelCodegenOrchestrationResult:
        if request.makes_package:
            container = self._run_container(request)
            return await NewPackage(container, self.settings, self._fill).run(request, correlation_id)
        return await self._fill(request, correlation_id, [Path(item) for item in request.files])

    async def _fill(
        self,
        request: ModelCodegenOrchestrationRequest,
        correlation_id: UUID,
        paths: list[Path],
        *,
        feedback: str | None = None,
        known: Mapping[str, Sequence[str]] | None = None,
    ) -> ModelCodegenOrchestrationResult:
        started = time.perf_counter()
        selection = select_sources(paths)
        files = selection.files
        # the request's overrides (provider, attempts, concurrency, budget) are none of the validator's settings
        validator = self.services.code_validator or NodeCodegenCodeValidatorEffect(self.container)
        given = self.services.codegen_store
        owns_store = given is None
        store = given or open_store(self.settings.database_url, Path(self.settings.state_dir))
        # the run's own container: one validator for the workflow and the generator, one store for the store effect
        run_services = replace(self.services, code_validator=validator, codegen_store=store)
        container = self._run_container(request, run_services)
        generator = NodeCodegenCodeGeneratorEffect(container)
        bus, owns_bus = self._bus(store)
        try:
            if files:
                generator.client  # noqa: B018 - a provider that cannot be built fails the run, clearly, before any work
            await store.migrate()
            store_node = NodeCodegenStoreEffect(container)
            root = Path(os.path.commonpath([str(p.resolve().parent) for p in files])) if files else Path.cwd()
            fill = FillRun(
                correlation_id=correlation_id,
                files=files,
                dry_run=request.dry_run,
                output_directory=_apart(request.output_directory, root),
                root=root,
                max_attempts=request.max_attempts,
                max_file_bytes=self.settings.max_file_bytes,
                generator=generator,
                validator=validator,
                extractor=NodeCodegenStubExtractorEffect(container),
                injector=NodeCodegenCodeInjectorEffect(container),
                store=store_node,
                reducer=NodeCodegenMetricsReducer(container),
                feedback=feedback,
                known=known or {},
            )
            await self._publish(
                bus, EnumLifecycleEvent.GENERATION_STARTED, correlation_id, {"files": [str(f) for f in files]}
            )
            reduced, state = await self._workflow(fill, bus, correlation_id)
            result = self._result(request, fill, state, generator, reduced=reduced, started=started)
            result.skipped_paths = selection.notes
            result.success = result.success and not selection.refused
            if reduced is not None:
                result.executed_intents = await self._execute_intents(reduced.intents, store_node, bus)
            await self._publish(
                bus,
                EnumLifecycleEvent.GENERATION_COMPLETED,
                correlation_id,
                {
                    "stubs_filled": result.count(EnumStubStatus.FILLED),
                    "stubs_failed": result.count(EnumStubStatus.FAILED),
                    "modified_files": result.modified_files,
                    "generated_files": result.generated_files,
                    "total_duration_seconds": result.total_duration_seconds,
                },
            )
            return result
        except ModelOnexError as error:
            await self._publish(bus, EnumLifecycleEvent.GENERATION_FAILED, correlation_id, {"error": error.message})
            raise
        finally:
            await generator.aclose()
            if isinstance(bus, OutboxRelay):
                # deliver what a broker outage left in the outbox; what is still left goes with the next run
                await bus.drain(timeout_s=self.settings.outbox_drain_timeout_s)
            if owns_bus:
                await bus.close()
            if owns_store:
                await store.close()

    async def _workflow(
        self, fill: FillRun, bus: EventBus | OutboxRelay, correlation_id: UUID
    ) -> tuple[ModelCodegenMetricsReducerOutput | None, ModelFillState]:
        """The reducer's output (None when the run timed out) and the run's final state."""
        progress = self.services.progress
        workflow = CodeGenerationWorkflow(fill, timeout=self.timeout_s)
        handler = workflow.run()
        try:
            async for event in handler.stream_events():
                if progress is not None:
                    outcome = progress(event)
                    if outcome is not None:
                        await outcome
            output = await handler
        except WorkflowTimeoutError:
            emit_log_event(EnumLogLevel.WARNING, "the fill run timed out", {"timeout_s": self.timeout_s})
            output = None
        state = await handler.ctx.store.get_state()
        if not isinstance(state, ModelFillState):
            raise TypeError(f"the workflow's state is a {type(state).__name__}, not ModelFillState")
        if output is not None:
            await self._publish(
                bus,
                EnumLifecycleEvent.STAGE_COMPLETED,
                correlation_id,
                {"stage": "workflow", "files": len(state.file_outcomes), "stubs": len(state.stub_outcomes)},
            )
        reduced = output if isinstance(output, ModelCodegenMetricsReducerOutput) else None
        return reduced, state

    def _result(
        self,
        request: ModelCodegenOrchestrationRequest,
        fill: FillRun,
        state: ModelFillState,
        generator: NodeCodegenCodeGeneratorEffect,
        *,
        reduced: ModelCodegenMetricsReducerOutput | None,
        started: float,
    ) -> ModelCodegenOrchestrationResult:
        stubs = list(state.stub_outcomes)
        done = {(s.file_path, s.qualified_name, s.line_number) for s in stubs}
        for stub in state.conversations:  # stubs a timeout left unfinished
            if (stub.file_path, stub.qualified_name, stub.line_number) not in done:
                stubs.append(
                    ModelStubOutcome(
                        file_path=stub.file_path,
                        qualified_name=stub.qualified_name,
                        line_number=stub.line_number,
                        status=EnumStubStatus.SKIPPED,
                        message=f"not finished: the run timed out after {self.timeout_s} s",
                        attempts=state.attempts.get(stub, 0),
                    )
                )
        stubs.sort(key=lambda s: (s.file_path, s.line_number))
        files = sorted(state.file_outcomes, key=lambda f: f.file_path)
        written = [f.written_to for f in files if f.written_to]
        in_place = fill.output_directory is None
        totals = run_totals(files, stubs, complete=reduced is not None)
        return ModelCodegenOrchestrationResult(
            success=totals.success,
            correlation_id=fill.correlation_id,
            dry_run=request.dry_run,
            llm=str(generator.client.identity) if state.conversations else (request.llm or ""),
            generated_files=[] if in_place else written,
            modified_files=written if in_place else [],
            files=files,
            stubs=stubs,
            prompt_tokens=totals.prompt_tokens,
            completion_tokens=totals.completion_tokens,
            cost_usd=totals.cost_usd,
            budget_exhausted=generator.budget.exhausted_reason(),
            total_duration_seconds=time.perf_counter() - started,
            metrics=reduced.metrics if reduced is not None else None,
        )

    async def _execute_intents(
        self, intents: list[CodegenIntent], store_node: NodeCodegenStoreEffect, bus: EventBus | OutboxRelay
    ) -> list[ModelIntentExecution]:
        """Each intent in priority order (10 first); a failure is recorded and the rest still run."""
        executed = []
        for intent in sort_intents(intents):
            error: str | None = None
            try:
                match intent:
                    case ModelPersistMetricsIntent(payload=snapshot):
                        persist = ModelStoreRequest(
                            metrics=snapshot.metrics, attempts=snapshot.attempts, snapshot_id=str(intent.intent_id)
                        )
                        await store_node.run(persist, correlation_id=intent.correlation_id)
                    case ModelPublishMetricsIntent(payload=publish):
                        await bus.publish(
                            ModelEventEnvelope(
                                event_id=intent.intent_id,
                                event_type=publish.event_type,
                                topic=publish.topic,
                                correlation_id=intent.correlation_id,
                                payload=publish.event.model_dump(mode="json"),
                            )
                        )
                    case _:
                        assert_never(intent)
            except ModelOnexError as failure:
                error = failure.message
            executed.append(
                ModelIntentExecution(
                    intent_id=intent.intent_id,
                    intent_type=intent.intent_type.value,
                    target=intent.target,
                    priority=intent.priority,
                    success=error is None,
                    error=error,
                )
            )
        return executed

    async def _publish(
        self,
        bus: EventBus | OutboxRelay,
        event: EnumLifecycleEvent,
        correlation_id: UUID,
        payload: dict[str, Any],
    ) -> None:
        envelope = ModelEventEnvelope(
            event_type=event.value,
            topic=topic_for(event.value),
            correlation_id=correlation_id,
            payload=payload,
        )
        try:
            await bus.publish(envelope)
        except ModelOnexError as error:  # the outbox keeps it when a broker is down; a plain bus loses only this
            emit_log_event(EnumLogLevel.WARNING, f"could not publish {event.value}: {error.message}", {})


def _apart(output_directory: str | None, root: Path) -> Path | None:
    """The folder filled files go to; None (in place, with every check of an in-place write: the file unchanged
    since it was read, its mode, owner and links) when there is none, or it is the files' own folder (``-o .``)."""
    if output_directory is None or Path(output_directory).resolve() == root:
        return None
    return Path(output_directory)


__all__ = ["NodeCodegenOrchestrator"]
