"""NodeCodegenCodeInjectorEffect - put validated bodies into a file's stubs and change nothing else, atomically.

ONEX v2.0: suffix naming ``Node<Name><Type>``, subclass of ``NodeEffect``, errors as ``ModelOnexError`` with a code,
structured logs with the correlation id.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from uuid import UUID

from nodegen.onex import (
    EnumLogLevel,
    ModelContainer,
    ModelContractEffect,
    NodeEffect,
    TypedPort,
    emit_log_event,
)
from nodegen.pysource.text import line_count

from .injection import InjectionOptions, inject, unified_diff
from .models import ModelCodeInjectionInput, ModelCodeInjectionResult, ModelWriteRefusal
from .models.model_code_injector_options import ModelCodeInjectorOptions
from .writing import WriteRefusedError, write_source


class NodeCodegenCodeInjectorEffect(
    NodeEffect[ModelCodeInjectionResult],
    TypedPort[ModelContractEffect, ModelCodeInjectionInput, ModelCodeInjectionResult],
):
    """Replaces the bodies of stubs with generated code on a concrete syntax tree; every other byte stays.

    Input (``contract.input_state``): ``source_code``, ``injection_requests`` (each ``{qualified_name |
    method_name, expected_line | line_number, generated_code, required_imports, allow_helpers, force,
    preserve_docstring}``), optional ``file_path`` (the result is written there atomically unless ``dry_run``),
    ``backup``.

    A request that cannot apply (no such function, no longer a stub, signature changed, code that does not parse or
    compile, ...) is reported in ``injection_errors`` and leaves its stub untouched; the others still apply.
    Missing ``source_code`` or no requests raise ``VALIDATION_ERROR``; a source that does not parse is returned
    unchanged with ``syntax_error`` errors; a refused write is ``file_refusal``. Typed port:
    ``await run(ModelCodeInjectionInput(...))``.
    """

    request_type = ModelCodeInjectionInput

    def __init__(self, container: ModelContainer) -> None:
        super().__init__(container)
        settings = ModelCodeInjectorOptions.from_container(container)
        self.options = InjectionOptions(
            patterns=tuple(settings.stub_extraction_patterns),
            strict_line_matching=settings.strict_line_matching,
            preserve_code_formatting=settings.preserve_code_formatting,
            max_answer_chars=settings.max_answer_chars,
        )
        self.backup_by_default = settings.injector_backup
        self.rewrite_hard_links = settings.injector_rewrite_hard_links
        self._total_injections = 0
        self._successful_injections = 0
        self._failed_injections = 0

    async def _handle(self, request: ModelCodeInjectionInput, correlation_id: UUID) -> ModelCodeInjectionResult:
        started = time.perf_counter()
        outcome = inject(request.source_code, request.injection_requests, self.options)
        errors = list(outcome.errors)
        refusal: ModelWriteRefusal | None = None
        written = False
        backup_path: str | None = None
        changed = outcome.source != request.source_code
        if request.file_path and not request.dry_run and changed:
            try:
                done = write_source(
                    Path(request.file_path),
                    request.source_code,
                    outcome.source,
                    backup=self.backup_by_default if request.backup is None else request.backup,
                    rewrite_hard_links=self.rewrite_hard_links,
                    through_symlink=request.through_symlink,
                )
            except WriteRefusedError as refused:
                fix = refused.suggested_fix
                refusal = ModelWriteRefusal(code=refused.code, message=refused.message, suggested_fix=fix)
            else:
                written = True
                backup_path = str(done.backup_path) if done.backup_path else None
        performed = 0 if refusal is not None else len(outcome.modified)
        failed_requests = len(request.injection_requests) - performed
        self._total_injections += len(request.injection_requests)
        self._successful_injections += performed
        self._failed_injections += failed_requests
        elapsed_ms = (time.perf_counter() - started) * 1000.0
        emit_log_event(
            EnumLogLevel.DEBUG,
            "code injection completed",
            {
                "file_path": request.file_path,
                "injections_performed": len(outcome.modified),
                "errors": len(errors),
                "written": written,
                "duration_ms": round(elapsed_ms, 3),
            },
        )
        return ModelCodeInjectionResult(
            success=not errors and refusal is None,
            modified_source=outcome.source,
            injections_performed=len(outcome.modified),
            methods_modified=outcome.modified,
            applied_requests=outcome.applied,
            injection_errors=errors,
            file_refusal=refusal,
            imports_added=outcome.imports_added,
            helpers_added=outcome.helpers_added,
            file_lines_before=line_count(request.source_code),
            file_lines_after=line_count(outcome.source),
            injection_time_ms=elapsed_ms,
            diff=(
                unified_diff(request.source_code, outcome.source, request.file_path, outcome.diff_hunks)
                if changed
                else ""
            ),
            file_path=request.file_path,
            written=written,
            backup_path=backup_path,
        )

    def _node_metrics(self) -> dict[str, Any]:
        return {
            "total_injections": self._total_injections,
            "successful_injections": self._successful_injections,
            "failed_injections": self._failed_injections,
        }


__all__ = ["NodeCodegenCodeInjectorEffect"]
