"""NodeCodegenCodeValidatorEffect - decide whether generated code may be written, and say precisely what to fix.

ONEX v2.0: suffix naming ``Node<Name><Type>``, subclass of ``NodeEffect`` (it runs checkers as subprocesses and reads a
node's contract.yaml), errors as ``ModelOnexError`` with a code.
"""

from __future__ import annotations

from typing import Any

from nodegen.infra.sandbox import ModelSandboxLimits
from nodegen.infra.source_files import decode_source
from nodegen.onex import (
    EnumCoreErrorCode,
    EnumLogLevel,
    ModelContainer,
    ModelContractEffect,
    ModelOnexError,
    NodeEffect,
    emit_log_event,
)

from .checks import CheckerOptions, ExampleOptions
from .engine import ValidatorOptions, validate
from .models import ModelCodeValidationRequest, ModelCodeValidationResult


class NodeCodegenCodeValidatorEffect(NodeEffect[ModelCodeValidationResult]):
    """Checks code for syntax, undefined names, type hints, security, ONEX rules and quality.

    Input (``contract.input_state``): ``generated_code`` (a body, a whole function or a module; bytes are decoded as
    Python would), optional ``target`` ``{source, qualified_name, expected_line, required_imports}`` to check the
    code in place (only findings inside it count), ``validation_rules`` (default all), ``strict_mode``,
    ``file_path``. Errors block injection; warnings never do (unless strict).
    """

    def __init__(self, container: ModelContainer) -> None:
        super().__init__(container)
        severity = self._config("validation_severity", {}) or {}
        self.options = ValidatorOptions(
            strict_mode=bool(self._config("validation_strict_mode", False)),
            enable_security_checks=bool(self._config("enable_security_checks", True)),
            checker=CheckerOptions(
                timeout_s=float(self._config("validation_checker_timeout_s", 10.0)),
                mypy=bool(self._config("validation_mypy", False)),
                mypy_cache_dir=self._config("validation_mypy_cache_dir", None),
            ),
            examples=ExampleOptions(
                run=bool(self._config("validation_run_examples", True)),
                limits=ModelSandboxLimits.from_container(
                    container, timeout_key="validation_examples_timeout_s", default_timeout_s=5.0
                ),
            ),
            severity={str(key): str(value).lower() for key, value in dict(severity).items()},
            select=tuple(self._config("validation_select", ()) or ()),
            ignore=tuple(self._config("validation_ignore", ()) or ()),
        )
        self._total_validations = 0
        self._failed_validations = 0
        self._total_errors = 0
        self._total_warnings = 0

    async def _run(self, contract: ModelContractEffect) -> ModelCodeValidationResult:
        code = contract.input_state.get("generated_code")
        if code is None:
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.VALIDATION_ERROR,
                message="Missing required field: generated_code (the code to check)",
            )
        replacements: dict[str, Any] = {}
        if isinstance(code, bytes | bytearray):
            replacements["generated_code"] = decode_source(bytes(code), origin="generated_code")
        elif isinstance(code, str) and "\x00" in code:
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.VALIDATION_ERROR,
                message="generated_code holds a NUL byte: it is binary data, not Python source",
            )
        try:
            request = contract.input_as(ModelCodeValidationRequest, **replacements)
        except ModelOnexError:
            raise
        result = await validate(request, self.options)
        self._total_validations += 1
        self._failed_validations += 0 if result.is_valid else 1
        self._total_errors += len(result.errors)
        self._total_warnings += len(result.warnings)
        emit_log_event(
            EnumLogLevel.DEBUG,
            "validation completed",
            {
                "file_path": request.file_path,
                "is_valid": result.is_valid,
                "errors": len(result.errors),
                "warnings": len(result.warnings),
                "duration_ms": round(result.validation_time_ms, 3),
            },
        )
        return result

    def _node_metrics(self) -> dict[str, Any]:
        return {
            "total_validations": self._total_validations,
            "failed_validations": self._failed_validations,
            "total_errors_found": self._total_errors,
            "total_warnings_found": self._total_warnings,
            "avg_errors_per_file": self._total_errors / self._total_validations if self._total_validations else 0.0,
        }


__all__ = ["NodeCodegenCodeValidatorEffect"]
