"""What travels on the work queue and what is stored for it: one request per file, one result per request, the run
as it was submitted."""

from __future__ import annotations

import hashlib
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator

from nodegen.infra.bus import topic_for
from nodegen.infra.source_files import ModelPathNote
from nodegen.nodes.codegen_orchestrator.v1_0_0.models import (
    ModelCodegenOrchestrationResult,
    ModelFileOutcome,
    ModelStubOutcome,
)

REQUEST_TOPIC = topic_for("fill_requested")
STARTED_TOPIC = topic_for("fill_started")
COMPLETED_TOPIC = topic_for("fill_completed")
FAILED_TOPIC = topic_for("fill_failed")
DEAD_LETTER_TOPIC = topic_for("fill_requested_dead_letter")

# The settings that decide what a fill writes: sent with every request, so a worker fills a file as the submitting
# machine would. Where to reach the model (llm_base_url, keys), the database and the broker stay the worker's own;
# the run's budget (max_tokens, max_cost_usd) is shared across the workers of the run.
REQUEST_SETTINGS: tuple[str, ...] = (
    "stub_extraction_patterns",
    "stub_include_not_implemented",
    "strict_line_matching",
    "preserve_code_formatting",
    "validation_strict_mode",
    "enable_security_checks",
    "validation_mypy",
    "validation_run_examples",
    "validation_examples_timeout_s",
    "validation_severity",
    "validation_select",
    "validation_ignore",
    "llm",
    "llm_cache",
    "llm_temperature",
    "llm_retry_temperature",
    "llm_late_retry_temperature",
    "llm_seed",
    "llm_retry_style",
    "llm_prompt_style",
    "llm_max_output_tokens",
    "max_answer_chars",
    "prompt_token_budget",
    "max_attempts",
    "max_tokens",
    "max_cost_usd",
    "store_prompt_texts",
)
BUDGET_SETTINGS = ("max_tokens", "max_cost_usd")


def content_hash(text: str) -> str:
    """The sha256 of a file's text (UTF-8), as requests and the store name it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _relative(path: str) -> str:
    pure = PurePosixPath(path)
    if not path or pure.is_absolute() or ".." in pure.parts or "\\" in path:
        raise ValueError(f"{path!r} is not a relative path inside the project")
    return path


class EnumFillStatus(StrEnum):
    """``completed``: the workflow ran (its stubs may have failed); ``failed``: the request itself failed its tries
    and went to the dead-letter topic."""

    COMPLETED = "completed"
    FAILED = "failed"


class ModelFillRequest(BaseModel):
    """One file to fill, as a worker receives it."""

    model_config = ConfigDict(extra="forbid")

    request_id: UUID
    correlation_id: UUID = Field(description="The run's id")
    path: str = Field(description="The file's path as the prompt shows it (relative to the submitter's folder)")
    content_sha256: str
    text: str | None = Field(default=None, description="The file's text; None: stored in PostgreSQL by its hash")
    context_files: dict[str, str] = Field(
        default_factory=dict, description="The node package's contract.yaml and models, by path like ``path``"
    )
    settings: dict[str, Any] = Field(default_factory=dict, description="Values of REQUEST_SETTINGS")

    @field_validator("path")
    @classmethod
    def _path_inside(cls, value: str) -> str:
        return _relative(value)

    @field_validator("context_files")
    @classmethod
    def _context_inside(cls, value: dict[str, str]) -> dict[str, str]:
        for path in value:
            _relative(path)
        return value


class ModelFillResult(BaseModel):
    """What a worker made of one request: the file's dry-run result (the diff, every stub's outcome and code)."""

    request_id: UUID
    correlation_id: UUID
    path: str
    content_sha256: str
    status: EnumFillStatus
    result: ModelCodegenOrchestrationResult | None = None
    error: str | None = Field(default=None, description="Why the request failed (its last error)")
    failures: int = Field(default=0, ge=0, description="Failed tries before this result")
    worker: str = ""
    duration_s: float = Field(default=0.0, ge=0.0)


class ModelAppliedFile(BaseModel):
    """What the submitting machine did with a result: the file's outcome and its stubs, as a local fill reports
    them (kept, so that collecting again never writes a file twice)."""

    file: ModelFileOutcome
    stubs: list[ModelStubOutcome] = Field(default_factory=list)


class ModelFillRun(BaseModel):
    """A submitted run."""

    run_id: UUID
    dry_run: bool = False
    files: list[str] = Field(default_factory=list, description="The files as selected locally, in order")
    local_outcomes: list[ModelFileOutcome] = Field(
        default_factory=list, description="Files that could not be sent (unreadable, too large, not decodable)"
    )
    skipped_paths: list[ModelPathNote] = Field(default_factory=list)
    refused: bool = Field(default=False, description="A path below a folder was refused (the run fails)")
    llm: str = ""
    requests: list[ModelFillRequest] = Field(
        default_factory=list, description="The requests as sent (texts left out: they are stored by hash)"
    )
    local_paths: dict[str, str] = Field(default_factory=dict, description="Each request id's file, as selected")


__all__ = [
    "BUDGET_SETTINGS",
    "COMPLETED_TOPIC",
    "DEAD_LETTER_TOPIC",
    "FAILED_TOPIC",
    "REQUEST_SETTINGS",
    "REQUEST_TOPIC",
    "STARTED_TOPIC",
    "EnumFillStatus",
    "ModelAppliedFile",
    "ModelFillRequest",
    "ModelFillResult",
    "ModelFillRun",
    "content_hash",
]
