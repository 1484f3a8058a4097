"""Model of the orchestrator's input (``contract.input_state`` / ``input_data``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class ModelCodegenOrchestrationRequest(BaseModel):
    """Files (or folders) whose stubs to fill, or a prompt to scaffold a node from, and the run's limits."""

    model_config = ConfigDict(extra="forbid")

    files: list[str] = Field(default_factory=list, description="Files and folders (walked recursively)")
    prompt: str | None = Field(default=None, description="Scaffold a new node package from this prompt")
    spec_path: str | None = Field(default=None, description="Scaffold from this node spec file (no model writes one)")
    spec_only: bool = Field(default=False, description="Scaffold: write the node spec and stop")
    output_directory: str | None = Field(
        default=None, description="Write filled files here (mirroring their paths) instead of in place"
    )
    dry_run: bool = Field(default=False, description="Compute everything and the diffs; write nothing")
    llm: str | None = Field(default=None, description="Provider string; default the llm setting")
    max_attempts: int | None = Field(default=None, ge=1, le=20)
    concurrency: int | None = Field(default=None, ge=1, le=256)
    max_tokens: int | None = Field(default=None, ge=1)
    max_cost_usd: float | None = Field(default=None, gt=0)
    node_type: str | None = Field(default=None, description="Scaffold: effect, compute, reducer or orchestrator")
    name: str | None = Field(default=None, description="Scaffold: the node's PascalCase name")
    framework: str = Field(default="nodegen", description="Scaffold: what the generated node imports")
    force: bool = Field(default=False, description="Scaffold: replace an existing package")
    run_tests: bool = Field(default=True, description="Scaffold: run the package's tests as the final gate")

    @model_validator(mode="after")
    def _something(self) -> ModelCodegenOrchestrationRequest:
        if not self.files and self.prompt is None and self.spec_path is None:
            raise ValueError("give files (paths to fill), a prompt or a spec file (a node to scaffold)")
        return self

    @property
    def makes_package(self) -> bool:
        """A prompt or a spec file and no files: ``nodegen new``, not a fill."""
        return (self.prompt is not None or self.spec_path is not None) and not self.files
