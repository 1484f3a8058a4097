"""The repair loop as users run it, for tests of the generator: a source text filled by the fill workflow
(``CodeGenerationWorkflow``: the generator's port for each attempt, the validator node in its own step) with a
given generator node, as a dry run, every stub's outcome collected from the workflow's progress stream."""

from __future__ import annotations

import contextlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID, uuid4

from nodegen.nodes.codegen_code_generator_effect.v1_0_0 import NodeCodegenCodeGeneratorEffect
from nodegen.nodes.codegen_code_generator_effect.v1_0_0.models import ModelGenerationEvent, ModelStubGeneration
from nodegen.nodes.codegen_code_injector_effect.v1_0_0 import NodeCodegenCodeInjectorEffect
from nodegen.nodes.codegen_code_validator_effect.v1_0_0 import NodeCodegenCodeValidatorEffect
from nodegen.nodes.codegen_metrics_reducer.v1_0_0 import NodeCodegenMetricsReducer
from nodegen.nodes.codegen_orchestrator.v1_0_0 import CodeValidatedEvent
from nodegen.nodes.codegen_orchestrator.v1_0_0.models import ModelFileOutcome, ModelFillState
from nodegen.nodes.codegen_orchestrator.v1_0_0.workflow import CodeGenerationWorkflow, FillRun
from nodegen.nodes.codegen_store_effect.v1_0_0 import NodeCodegenStoreEffect
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0 import NodeCodegenStubExtractorEffect


@dataclass
class FileFill:
    """What the loop did for one file: each stub's outcome (in the file's order), the file's outcome, and why the
    run's budget stopped new calls, if it did."""

    generations: list[ModelStubGeneration]
    file: ModelFileOutcome | None
    budget_exhausted: str | None
    llm: str  # who answered
    correlation_id: UUID = field(default_factory=uuid4)

    @property
    def events(self) -> list[ModelGenerationEvent]:
        return [event for generation in self.generations for event in generation.events]

    @property
    def success(self) -> bool:
        return bool(self.generations) and all(generation.success for generation in self.generations)

    @property
    def stubs_total(self) -> int:
        return len(self.generations)

    @property
    def stubs_generated(self) -> int:
        return sum(1 for generation in self.generations if generation.success)

    @property
    def stubs_failed(self) -> int:
        return self.stubs_total - self.stubs_generated

    @property
    def cost_usd(self) -> float | None:
        costs = [generation.cost_usd for generation in self.generations]
        return None if any(cost is None for cost in costs) else sum(cost or 0.0 for cost in costs)

    def dump(self) -> str:
        """Everything the run returned, as JSON text (to look for what must never appear in it)."""
        parts = [generation.model_dump_json() for generation in self.generations]
        return "\n".join([*parts, self.file.model_dump_json() if self.file else ""])


async def fill_source(
    generator: NodeCodegenCodeGeneratorEffect,
    source: str,
    *,
    file_name: str = "calc.py",
    max_attempts: int | None = None,
    correlation_id: UUID | None = None,
) -> FileFill:
    """``source`` filled as a dry run by the fill workflow, with ``generator`` and the other nodes built from its
    container, in a folder of its own (the working directory meanwhile, as a user runs a fill beside the file)."""
    container = generator.container
    generator.client  # noqa: B018 - as the orchestrator does: a provider that cannot be built fails the run first
    run_id = correlation_id or uuid4()
    with tempfile.TemporaryDirectory(prefix="nodegen-fill-loop-") as folder, contextlib.chdir(folder):
        path = Path(file_name)  # as `nodegen fill calc.py` in the file's folder: the prompt shows that path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
        fill = FillRun(
            correlation_id=run_id,
            files=[path],
            dry_run=True,
            output_directory=None,
            root=Path(folder).resolve(),
            max_attempts=max_attempts,
            generator=generator,
            validator=NodeCodegenCodeValidatorEffect(container),
            extractor=NodeCodegenStubExtractorEffect(container),
            injector=NodeCodegenCodeInjectorEffect(container),
            store=NodeCodegenStoreEffect(container),
            reducer=NodeCodegenMetricsReducer(container),
        )
        handler = CodeGenerationWorkflow(fill, timeout=120.0).run()
        streamed = [event async for event in handler.stream_events()]
        generations = [event.generation for event in streamed if isinstance(event, CodeValidatedEvent)]
        await handler
        state = await handler.ctx.store.get_state()
    assert isinstance(state, ModelFillState)
    outcome = state.file_outcomes[0] if state.file_outcomes else None
    return FileFill(
        generations=sorted(generations, key=lambda generation: generation.line_number),
        file=outcome,
        budget_exhausted=generator.budget.exhausted_reason(),
        llm=str(generator.client.identity),
        correlation_id=run_id,
    )


__all__ = ["FileFill", "fill_source"]
