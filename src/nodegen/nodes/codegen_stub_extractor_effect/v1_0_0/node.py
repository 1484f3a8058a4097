"""NodeCodegenStubExtractorEffect - find the stubs of a Python file.

ONEX v2.0: suffix naming ``Node<Name><Type>``, subclass of ``NodeEffect``, errors as ``ModelOnexError`` with a code,
structured logs with the correlation id.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from nodegen.infra.source_text import decode_source
from nodegen.onex import (
    EnumCoreErrorCode,
    EnumLogLevel,
    ModelContainer,
    ModelContractEffect,
    ModelOnexError,
    NodeEffect,
    correlation_scope,
    emit_log_event,
)

from .extraction import StubScan, scan_stubs
from .models import ModelStubExtractionRequest, ModelStubExtractionResult
from .models.model_stub_extractor_options import ModelStubExtractorOptions


class NodeCodegenStubExtractorEffect(NodeEffect[ModelStubExtractionResult]):
    """Finds every function and method of a source file whose body is marked as still to be written.

    Input (``contract.input_state``): ``node_file_content`` (str, or bytes decoded as Python would),
    ``extraction_patterns`` (default: the ``stub_extraction_patterns`` setting), ``file_path`` (for reporting),
    ``include_not_implemented`` (also take unmarked ``raise NotImplementedError`` bodies; default: the
    ``stub_include_not_implemented`` setting).

    Refuses with ``VALIDATION_ERROR``: missing or empty content, binary or undecodable content, a syntax error
    (message names line and column), an unknown input key, an empty pattern list or a pattern with no text.
    """

    def __init__(self, container: ModelContainer) -> None:
        super().__init__(container)
        options = ModelStubExtractorOptions.from_container(container)
        self.default_patterns: list[str] = list(options.stub_extraction_patterns)
        self.include_not_implemented: bool = options.stub_include_not_implemented
        self._total_extractions = 0
        self._failed_extractions = 0
        self._total_stubs_found = 0

    async def execute_scan(self, contract: ModelContractEffect | Mapping[str, Any]) -> StubScan:
        """``execute_effect`` with the stubs still to come: the same input, settings and refusals (raised here, before
        any stub is described), and a :class:`StubScan` whose iteration describes the stubs in source order, a large
        file a window at a time, so a caller that handles each record as it comes never holds them all. Counted as
        an extraction; its stubs are counted as they are described."""
        typed = self._coerce_contract(contract)
        started = time.perf_counter()
        succeeded = False
        with correlation_scope(typed.correlation_id):
            try:
                request, _, scan = self._scan(typed)
                succeeded = True
            except ModelOnexError:
                raise
            except Exception as error:  # what execute_effect says of an unexpected failure
                raise ModelOnexError(
                    error_code=EnumCoreErrorCode.OPERATION_FAILED,
                    message=f"{type(self).__name__} failed: {type(error).__name__}: {error}",
                    cause=error,
                ) from error
            finally:
                self._stats.record((time.perf_counter() - started) * 1000.0, succeeded=succeeded)
        emit_log_event(EnumLogLevel.DEBUG, "stub scan opened", {"file_path": request.file_path})
        scan.on_stubs = self._count_stubs
        return scan

    async def _run(self, contract: ModelContractEffect) -> ModelStubExtractionResult:
        started = time.perf_counter()
        request, patterns, scan = self._scan(contract)
        stubs = list(scan)
        self._count_stubs(len(stubs))
        elapsed_ms = (time.perf_counter() - started) * 1000.0
        emit_log_event(
            EnumLogLevel.DEBUG,
            "stub extraction completed",
            {"file_path": request.file_path, "stubs_found": len(stubs), "duration_ms": round(elapsed_ms, 3)},
        )
        return ModelStubExtractionResult(
            success=True,
            stubs=stubs,
            total_stubs_found=len(stubs),
            extraction_time_ms=elapsed_ms,
            file_path=request.file_path,
            file_lines=scan.file_lines,
            extraction_patterns_used=list(patterns),
            module_docstring=scan.module_docstring,
        )

    def _count_stubs(self, count: int) -> None:
        self._total_stubs_found += count

    def _scan(self, contract: ModelContractEffect) -> tuple[ModelStubExtractionRequest, list[str], StubScan]:
        """The request, checked, and its source parsed (a refusal raises ``ModelOnexError``)."""
        try:
            request = self._parse_request(contract)
            patterns = request.extraction_patterns or self.default_patterns
            include = (
                self.include_not_implemented
                if request.include_not_implemented is None
                else request.include_not_implemented
            )
            try:
                scan = scan_stubs(request.node_file_content, patterns, include_not_implemented=include)
            except ValueError as error:  # a pattern with no marker text
                raise ModelOnexError(
                    error_code=EnumCoreErrorCode.VALIDATION_ERROR, message=str(error), cause=error
                ) from error
        except Exception:
            self._failed_extractions += 1
            raise
        self._total_extractions += 1
        return request, list(patterns), scan

    def _parse_request(self, contract: ModelContractEffect) -> ModelStubExtractionRequest:
        content = contract.input_state.get("node_file_content")
        replacements: dict[str, Any] = {}
        if content is None or content in ("", b""):
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.VALIDATION_ERROR,
                message="Missing required field: node_file_content (the Python source to scan) is missing or empty",
            )
        if isinstance(content, bytes | bytearray):
            replacements["node_file_content"] = decode_source(bytes(content), origin="node_file_content")
        elif not isinstance(content, str):
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.VALIDATION_ERROR,
                message=f"node_file_content must be text (str or bytes), not {type(content).__name__}",
            )
        patterns = contract.input_state.get("extraction_patterns")
        if isinstance(patterns, str):
            replacements["extraction_patterns"] = [patterns]
        elif patterns is not None and len(patterns) == 0:
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.VALIDATION_ERROR,
                message="extraction_patterns is empty: give at least one marker, or leave it out for the defaults",
            )
        return contract.input_as(ModelStubExtractionRequest, **replacements)

    def _node_metrics(self) -> dict[str, Any]:
        return {
            "total_extractions": self._total_extractions,
            "failed_extractions": self._failed_extractions,
            "total_stubs_found": self._total_stubs_found,
            "avg_stubs_per_file": (
                self._total_stubs_found / self._total_extractions if self._total_extractions else 0.0
            ),
        }


__all__ = ["NodeCodegenStubExtractorEffect"]
