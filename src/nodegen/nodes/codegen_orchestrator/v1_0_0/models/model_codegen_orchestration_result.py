"""Model of the orchestrator's result."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, Field

from nodegen.infra.source_files import ModelPathNote
from nodegen.nodes.codegen_metrics_reducer.v1_0_0.models import ModelCodegenMetrics

from .enum_stub_status import EnumStubStatus
from .model_file_outcome import ModelFileOutcome
from .model_intent_execution import ModelIntentExecution
from .model_scaffold_report import ModelScaffoldReport
from .model_stub_outcome import ModelStubOutcome


class ModelCodegenOrchestrationResult(BaseModel):
    """Everything a run did: files, stubs, totals, metrics and the intents executed."""

    success: bool = Field(description="Every stub was filled and every file written (or diffed, in a dry run)")
    correlation_id: UUID | None = Field(default=None, description="The run's id (events and database rows carry it)")
    dry_run: bool = False
    llm: str = ""
    generated_files: list[str] = Field(default_factory=list, description="Files created")
    modified_files: list[str] = Field(default_factory=list, description="Files changed in place")
    files: list[ModelFileOutcome] = Field(default_factory=list)
    skipped_paths: list[ModelPathNote] = Field(
        default_factory=list, description="Paths met below the folders given and left out (a refused one fails the run)"
    )
    stubs: list[ModelStubOutcome] = Field(default_factory=list)
    prompt_tokens: int = Field(default=0, ge=0)
    completion_tokens: int = Field(default=0, ge=0)
    cost_usd: float | None = Field(default=None, description="None when a call's price is unknown")
    budget_exhausted: str | None = None
    total_duration_seconds: float = Field(default=0.0, ge=0.0)
    metrics: ModelCodegenMetrics | None = None
    executed_intents: list[ModelIntentExecution] = Field(default_factory=list)
    scaffold: ModelScaffoldReport | None = Field(default=None, description="What `nodegen new` scaffolded and ran")

    def count(self, status: EnumStubStatus) -> int:
        """Stubs with ``status``."""
        return sum(1 for stub in self.stubs if stub.status is status)
