"""Model of what `nodegen new` did beyond filling: the package, its check and its own tests."""

from __future__ import annotations

from pydantic import BaseModel, Field

from nodegen.nodes.codegen_scaffold_compute.v1_0_0.models import ModelNodeSpec

from .model_spec_stage import ModelSpecStage


class ModelPackageTests(BaseModel):
    """The package's own tests, run in the sandbox (``nodegen.infra.sandbox``)."""

    passed: bool
    exit_code: int | None = Field(description="None when the run was cut off by its time limit")
    output_tail: str = Field(default="", description="The last lines of pytest's output")
    network_isolated: bool = Field(description="Run in a network namespace of its own (no network)")
    sandboxed: bool = Field(default=False, description="Run under bubblewrap; False: a plain process, limits only")
    note: str = Field(default="", description="The sandbox's note: a limit hit, or why there was no sandbox")
    failed_tests: list[str] = Field(default_factory=list, description="The tests that failed, by name")


class ModelScaffoldReport(BaseModel):
    """The node spec and where it came from, the package rendered from it, `nodegen check` on it, its tests (after
    the one repair, if there was one), and which operations and examples failed."""

    package_dir: str | None = Field(default=None, description="None when no package was written (--spec-only, no spec)")
    spec: ModelNodeSpec | None = None
    spec_stage: ModelSpecStage
    check_errors: list[str] = Field(default_factory=list, description="Rendered findings of errors")
    check_warnings: int = Field(default=0, ge=0)
    tests: ModelPackageTests | None = None
    repair_attempted: bool = False
    repaired: bool = False
    failures: list[str] = Field(
        default_factory=list, description="What failed, by operation and example: 'shipping_cost example 2 (edge): ...'"
    )
