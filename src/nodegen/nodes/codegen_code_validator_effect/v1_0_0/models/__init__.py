"""Public models of NodeCodegenCodeValidatorEffect."""

from .enum_finding_severity import EnumFindingSeverity
from .enum_validation_rule import ONEX_RULES, EnumValidationRule, ValidationRules
from .model_code_validation_request import ModelCodeValidationRequest
from .model_code_validation_result import ModelCodeValidationResult
from .model_validation_finding import ModelValidationFinding
from .model_validation_target import ModelValidationTarget

__all__ = [
    "ONEX_RULES",
    "EnumFindingSeverity",
    "EnumValidationRule",
    "ModelCodeValidationRequest",
    "ModelCodeValidationResult",
    "ModelValidationFinding",
    "ModelValidationTarget",
    "ValidationRules",
]
