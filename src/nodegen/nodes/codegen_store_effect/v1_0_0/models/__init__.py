"""Public models of NodeCodegenStoreEffect."""

from .model_artifact_storage_request import ModelArtifactStorageRequest
from .model_storage_result import ModelStorageResult
from .model_store_request import ModelStoreRequest

__all__ = ["ModelArtifactStorageRequest", "ModelStorageResult", "ModelStoreRequest"]
