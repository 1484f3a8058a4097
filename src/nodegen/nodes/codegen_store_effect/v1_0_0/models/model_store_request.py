"""Model of the store effect's input (``contract.input_state``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from nodegen.nodes.codegen_code_generator_effect.v1_0_0.models import ModelGenerationEvent
from nodegen.nodes.codegen_metrics_reducer.v1_0_0.models import ModelCodegenMetrics

from .model_artifact_storage_request import ModelArtifactStorageRequest


class ModelStoreRequest(BaseModel):
    """Files to write under an output directory, and/or a run's metrics and attempts to persist (the metrics
    reducer's snapshot)."""

    model_config = ConfigDict(extra="forbid")

    storage_requests: list[ModelArtifactStorageRequest] = Field(
        default_factory=list, description="Files; an unset file_permissions takes the default_file_permissions setting"
    )
    base_directory: str | None = Field(default=None, description="Default: the codegen_output_dir setting")
    metrics: ModelCodegenMetrics | None = Field(default=None, description="A run's metrics to persist")
    attempts: list[ModelGenerationEvent] = Field(default_factory=list, description="Its attempts, one row each")
    snapshot_id: str | None = Field(default=None, description="The snapshot's id (the same id is stored once)")

    @model_validator(mode="before")
    @classmethod
    def _something_to_store(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("storage_requests") and data.get("metrics") is None:
            raise ValueError("Missing required field: storage_requests (files to store) or metrics (to persist)")
        return data
