"""Public models of NodeCodegenStubExtractorEffect."""

from .model_class_context import ModelClassContext
from .model_method_stub import ModelMethodStub
from .model_stub_extraction_request import ModelStubExtractionRequest
from .model_stub_extraction_result import ModelStubExtractionResult

__all__ = [
    "ModelClassContext",
    "ModelMethodStub",
    "ModelStubExtractionRequest",
    "ModelStubExtractionResult",
]
