"""Public models of NodeCodegenCodeInjectorEffect."""

from .enum_injection_error_code import EnumInjectionErrorCode
from .model_code_injection_input import ModelCodeInjectionInput
from .model_code_injection_request import ModelCodeInjectionRequest
from .model_code_injection_result import ModelCodeInjectionResult
from .model_injected_region import EnumRegionKind, ModelInjectedRegion
from .model_injection_error import ModelInjectionError
from .model_injection_preview import ModelInjectionPreview
from .model_write_refusal import ModelWriteRefusal

__all__ = [
    "EnumInjectionErrorCode",
    "EnumRegionKind",
    "ModelCodeInjectionInput",
    "ModelCodeInjectionRequest",
    "ModelCodeInjectionResult",
    "ModelInjectedRegion",
    "ModelInjectionError",
    "ModelInjectionPreview",
    "ModelWriteRefusal",
]
