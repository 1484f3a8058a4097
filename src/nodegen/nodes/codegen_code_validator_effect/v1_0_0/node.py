"""NodeCodegenCodeValidatorEffect - decide whether generated code may be written, and say precisely what to fix.

ONEX v2.0: suffix naming ``Node<Name><Type>``, subclass of ``NodeEffect`` (it runs checkers as subprocesses and reads a
node's contract.yaml), errors as ``ModelOnexError`` with a code.
"""

from __future__ import annotations

from typing import Any

from nodegen.infra.sandbox import limits_from
from nodegen.infra.source_text import decode_source
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
from .models.model_code_validator_options import ModelCodeValidatorOptions


class NodeCodegenCodeValidatorEffect(NodeEffect[ModelCodeValidationResult]):
    """Checks code for syntax, undefined names, type hints, security, ONEX rules and quality.

    Input (``contract.input_state``): ``generated_code`` (a body, a whole function or a module; bytes are decoded as
    Python would), optional ``target`` ``{source, qualified_name, expected_line, required_imports}`` to check the
    code in place (only findings inside it count), ``validation_rules`` (default all), ``strict_mode``,
    ``file_path``. Errors block injection; warnings never do (unless strict).
    """

    def __init__(self, container: ModelContainer) -> None:
        super().__init__(container)
        settings = ModelCodeValidatorOptions.from_container(container)
        self.options = ValidatorOptions(
            strict_mode=settings.validation_strict_mode,
            enable_security_checks=settings.enable_security_checks,
            checker=CheckerOptions(
                timeout_s=settings.validation_checker_timeout_s,
                mypy=settings.validation_mypy,
                mypy_cache_dir=settings.validation_mypy_cache_dir,
            ),
            examples=ExampleOptions(
                run=settings.validation_run_examples,
                limits=limits_from(settings, settings.validation_examples_timeout_s),
            ),
            severity=dict(settings.validation_severity),
            select=tuple(settings.validation_select),
            ignore=tuple(settings.validation_ignore),
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
