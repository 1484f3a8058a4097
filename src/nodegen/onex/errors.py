"""ONEX error codes and the one exception type every node raises.

Codes keep the ONEX core values (``ONEX_CORE_<NNN>_<NAME>``) so that logs, metrics and callers written against the
original node API see the same strings. ``EXECUTION_ERROR`` is deliberately absent: it never existed in ONEX; use
``OPERATION_FAILED`` or ``PROCESSING_ERROR``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class EnumCoreErrorCode(StrEnum):
    """Error codes shared by all nodes; the value is the stable, machine-readable code."""

    # Validation (001-020)
    INVALID_PARAMETER = "ONEX_CORE_001_INVALID_PARAMETER"
    MISSING_REQUIRED_PARAMETER = "ONEX_CORE_002_MISSING_REQUIRED_PARAMETER"
    VALIDATION_FAILED = "ONEX_CORE_005_VALIDATION_FAILED"
    VALIDATION_ERROR = "ONEX_CORE_006_VALIDATION_ERROR"
    INVALID_INPUT = "ONEX_CORE_007_INVALID_INPUT"
    INVALID_OPERATION = "ONEX_CORE_008_INVALID_OPERATION"
    PARSING_ERROR = "ONEX_CORE_010_PARSING_ERROR"
    # File system (021-040)
    FILE_NOT_FOUND = "ONEX_CORE_021_FILE_NOT_FOUND"
    FILE_READ_ERROR = "ONEX_CORE_022_FILE_READ_ERROR"
    FILE_WRITE_ERROR = "ONEX_CORE_023_FILE_WRITE_ERROR"
    DIRECTORY_NOT_FOUND = "ONEX_CORE_024_DIRECTORY_NOT_FOUND"
    PERMISSION_DENIED = "ONEX_CORE_025_PERMISSION_DENIED"
    FILE_OPERATION_ERROR = "ONEX_CORE_026_FILE_OPERATION_ERROR"
    # Configuration (041-060)
    INVALID_CONFIGURATION = "ONEX_CORE_041_INVALID_CONFIGURATION"
    CONFIGURATION_ERROR = "ONEX_CORE_044_CONFIGURATION_ERROR"
    # Runtime (081-100)
    OPERATION_FAILED = "ONEX_CORE_081_OPERATION_FAILED"
    TIMEOUT_EXCEEDED = "ONEX_CORE_082_TIMEOUT_EXCEEDED"
    RESOURCE_UNAVAILABLE = "ONEX_CORE_083_RESOURCE_UNAVAILABLE"
    UNSUPPORTED_OPERATION = "ONEX_CORE_084_UNSUPPORTED_OPERATION"
    RESOURCE_NOT_FOUND = "ONEX_CORE_085_RESOURCE_NOT_FOUND"
    INVALID_STATE = "ONEX_CORE_086_INVALID_STATE"
    INITIALIZATION_FAILED = "ONEX_CORE_087_INITIALIZATION_FAILED"
    INTERNAL_ERROR = "ONEX_CORE_089_INTERNAL_ERROR"
    NETWORK_ERROR = "ONEX_CORE_090_NETWORK_ERROR"
    MIGRATION_ERROR = "ONEX_CORE_091_MIGRATION_ERROR"
    EVENT_BUS_ERROR = "ONEX_CORE_096_EVENT_BUS_ERROR"
    CONTRACT_VALIDATION_ERROR = "ONEX_CORE_097_CONTRACT_VALIDATION_ERROR"
    # Dependencies (121-140)
    DEPENDENCY_UNAVAILABLE = "ONEX_CORE_122_DEPENDENCY_UNAVAILABLE"
    # Database (131-140)
    DATABASE_CONNECTION_ERROR = "ONEX_CORE_131_DATABASE_CONNECTION_ERROR"
    DATABASE_OPERATION_ERROR = "ONEX_CORE_132_DATABASE_OPERATION_ERROR"
    # LLM providers (161-180)
    NO_SUITABLE_PROVIDER = "ONEX_CORE_161_NO_SUITABLE_PROVIDER"
    RATE_LIMIT_ERROR = "ONEX_CORE_162_RATE_LIMIT_ERROR"
    AUTHENTICATION_ERROR = "ONEX_CORE_163_AUTHENTICATION_ERROR"
    QUOTA_EXCEEDED = "ONEX_CORE_164_QUOTA_EXCEEDED"
    PROCESSING_ERROR = "ONEX_CORE_165_PROCESSING_ERROR"
    # Security (221-230)
    SECURITY_VIOLATION = "ONEX_CORE_222_SECURITY_VIOLATION"
    # Contracts (241-250)
    DEPENDENCY_FAILED = "ONEX_CORE_241_DEPENDENCY_FAILED"
    CONTRACT_VIOLATION = "ONEX_CORE_242_CONTRACT_VIOLATION"
    # Purity (271-280)
    PURITY_VIOLATION_ERROR = "ONEX_CORE_272_PURITY_VIOLATION_ERROR"


class ModelOnexError(Exception):
    """The exception every nodegen node raises: an error code, a message that says what to do, and context.

    ``str(error)`` is ``"[<code>] <message>"``. Extra keyword arguments land in ``context`` (for example
    ``line=12, column=4``). ``cause`` is chained as ``__cause__`` so tracebacks keep the original failure.
    """

    def __init__(
        self,
        message: str,
        error_code: EnumCoreErrorCode | str = EnumCoreErrorCode.OPERATION_FAILED,
        cause: BaseException | None = None,
        **context: Any,
    ) -> None:
        if isinstance(message, EnumCoreErrorCode) and isinstance(error_code, str):
            # ModelOnexError(EnumCoreErrorCode.X, "text"): the code first, as code written by models often has it
            message, error_code = str(error_code), message
        super().__init__(message)
        self.message = message
        self.error_code = _coerce_code(error_code)
        self.cause = cause
        self.context: dict[str, Any] = dict(context)
        if cause is not None:
            self.__cause__ = cause

    def __str__(self) -> str:
        return f"[{self.error_code.value}] {self.message}"

    def __repr__(self) -> str:
        return f"ModelOnexError(error_code={self.error_code.name}, message={self.message!r})"

    def model_dump(self) -> dict[str, Any]:
        """A JSON-ready view of the error (code, message, context, and the cause's type and text)."""
        data: dict[str, Any] = {
            "error_code": self.error_code.value,
            "message": self.message,
            "context": {key: _jsonable(value) for key, value in self.context.items()},
        }
        if self.cause is not None:
            data["cause"] = f"{type(self.cause).__name__}: {self.cause}"
        return data


def _coerce_code(code: EnumCoreErrorCode | str) -> EnumCoreErrorCode:
    if isinstance(code, EnumCoreErrorCode):
        return code
    try:
        return EnumCoreErrorCode(code)
    except ValueError:
        try:
            return EnumCoreErrorCode[code]
        except KeyError:
            raise ValueError(f"unknown ONEX error code {code!r}") from None


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return str(value)


__all__ = ["EnumCoreErrorCode", "ModelOnexError"]
