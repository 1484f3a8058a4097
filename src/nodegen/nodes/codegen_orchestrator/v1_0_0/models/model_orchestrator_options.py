"""The settings the orchestrator reads (names, types and defaults are the settings')."""

from __future__ import annotations

from nodegen.settings import NodeOptions


class ModelOrchestratorOptions(NodeOptions):
    """The run's time limit, where results go (store, bus, output folder), file limits, the package tests' sandbox."""

    workflow_timeout_s: float | None
    kafka_bootstrap: str | None
    outbox_drain_timeout_s: float
    codegen_output_dir: str
    database_url: str | None
    state_dir: str
    max_file_bytes: int
    package_tests_timeout_s: float
    sandbox_memory_mb: int
    allow_unsandboxed_code: bool
    sandbox_output_bytes: int
    spec_samples: int
    spec_repairs: int
    spec_implementations: int
    validation_examples_timeout_s: float
    llm_retry_temperature: float
