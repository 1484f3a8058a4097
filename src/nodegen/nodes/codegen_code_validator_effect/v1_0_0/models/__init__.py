"""Public models of NodeCodegenCodeValidatorEffect."""

from .enum_finding_severity import EnumFindingSeverity
from .enum_validation_rule import ONEX_RULES, EnumValidationRule, ValidationRules, every_rule
from .finding_codes import CODES, EXTERNAL, RUFF_CODES, ExternalFamily, FindingCode, answer_finding, declared
from .model_code_validation_request import ModelCodeValidationRequest
from .model_code_validation_result import ModelCodeValidationResult
from .model_validation_finding import ModelValidationFinding
from .model_validation_target import ModelValidationTarget

__all__ = [
    "CODES",
    "EXTERNAL",
    "ONEX_RULES",
    "RUFF_CODES",
    "EnumFindingSeverity",
    "EnumValidationRule",
    "ExternalFamily",
    "FindingCode",
    "ModelCodeValidationRequest",
    "ModelCodeValidationResult",
    "ModelValidationFinding",
    "ModelValidationTarget",
    "ValidationRules",
    "answer_finding",
    "declared",
    "every_rule",
]
