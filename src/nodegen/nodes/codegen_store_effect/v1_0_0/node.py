"""NodeCodegenStoreEffect - write generated artifacts under the output directory, and persist metrics and
generation attempts in the database (SQLite by default, PostgreSQL in production).

ONEX v2.0: suffix naming ``Node<Name><Type>``, subclass of ``NodeEffect``; errors as ``ModelOnexError`` with a code.
A path that resolves outside the output directory (``..``, an absolute path elsewhere, a symlink out) is refused with
``SECURITY_VIOLATION`` before anything is written.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from nodegen.infra.atomic import replace_atomically
from nodegen.infra.source_files import PYTHON_SUFFIXES
from nodegen.infra.source_text import declared_encoding
from nodegen.infra.store import CodegenStore, open_store
from nodegen.onex import (
    EnumCoreErrorCode,
    EnumLogLevel,
    ModelContainer,
    ModelContractEffect,
    ModelOnexError,
    NodeEffect,
    TypedPort,
    emit_log_event,
)
from nodegen.services import NodegenServices

from .models import ModelArtifactStorageRequest, ModelStorageResult, ModelStoreRequest
from .models.model_store_options import ModelStoreOptions


def resolve_inside(base: Path, file_path: str) -> Path:
    """``file_path`` under ``base``, symlinks resolved; ``SECURITY_VIOLATION`` when it lands anywhere else."""
    root = base.resolve()
    candidate = Path(file_path)
    resolved = (candidate if candidate.is_absolute() else root / candidate).resolve()
    if not resolved.is_relative_to(root) or resolved == root:
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.SECURITY_VIOLATION,
            message=f"refused to write {file_path!r}: it resolves to {resolved}, outside the output directory {root}",
        )
    return resolved


class NodeCodegenStoreEffect(
    NodeEffect[ModelStorageResult], TypedPort[ModelContractEffect, ModelStoreRequest, ModelStorageResult]
):
    """Input (``contract.input_state``): ``storage_requests`` (files; see ``ModelArtifactStorageRequest``), optional
    ``base_directory`` (default ``codegen_output_dir``), and/or ``metrics`` with ``attempts`` (the metrics reducer's
    ``PERSIST_METRICS`` payload) and ``snapshot_id``. Service ``codegen_store`` (default: opened from
    ``database_url`` / ``state_dir``). Typed port: ``await run(ModelStoreRequest(...))``."""

    request_type = ModelStoreRequest

    def __init__(self, container: ModelContainer) -> None:
        super().__init__(container)
        self.settings = ModelStoreOptions.from_container(container)
        self.output_dir = Path(self.settings.codegen_output_dir)
        self.db_artifacts = self.settings.enable_artifact_db_storage
        self.default_permissions = self.settings.default_file_permissions
        self._store: CodegenStore | None = NodegenServices.of(container).codegen_store
        self._owns_store = self._store is None
        self._stored = 0
        self._failed = 0
        self._bytes = 0

    async def store(self) -> CodegenStore:
        """The database (opened and migrated on first use)."""
        if self._store is None:
            store = open_store(self.settings.database_url, Path(self.settings.state_dir))
            await store.migrate()
            self._store = store
        return self._store

    async def aclose(self) -> None:
        """Close the database when this node opened it."""
        if self._store is not None and self._owns_store:
            await self._store.close()
            self._store = None

    async def _handle(self, request: ModelStoreRequest, correlation_id: UUID) -> ModelStorageResult:
        files = [  # a file that does not set its permissions gets the configured default
            file
            if "file_permissions" in file.model_fields_set
            else file.model_copy(update={"file_permissions": self.default_permissions})
            for file in request.storage_requests
        ]
        base = Path(request.base_directory or self.output_dir)
        targets = [resolve_inside(base, file.file_path) for file in files]  # refuse before writing anything
        started = time.perf_counter()
        result = ModelStorageResult(success=True)
        for item, target in zip(files, targets, strict=True):
            data, problem = self._write(item, target)
            if problem is not None:
                result.storage_errors.append(problem)
                continue
            size = len(data)
            result.artifacts_stored += 1
            result.stored_files.append(str(target))
            result.total_bytes_written += size
            if item.store_metrics or self.db_artifacts:
                await (await self.store()).record_artifact(
                    str(uuid4()),
                    file_path=str(target),
                    artifact_type=item.artifact_type,
                    size_bytes=size,
                    sha256=hashlib.sha256(data).hexdigest(),
                    correlation_id=str(correlation_id),
                    metadata=item.metadata,
                )
        if request.metrics is not None:
            store = await self.store()
            attempts = [event.model_dump(mode="json") for event in request.attempts]
            result.attempts_stored = await store.record_attempts(attempts)
            snapshot = request.snapshot_id or str(uuid4())
            result.database_record_id = await store.record_metrics(
                snapshot, str(correlation_id), request.metrics.model_dump(mode="json")
            )
            result.metrics_stored = True
        result.success = not result.storage_errors
        result.storage_time_ms = (time.perf_counter() - started) * 1000
        self._stored += result.artifacts_stored
        self._failed += len(result.storage_errors)
        self._bytes += result.total_bytes_written
        emit_log_event(
            EnumLogLevel.DEBUG,
            "artifacts stored",
            {
                "stored": result.artifacts_stored,
                "errors": len(result.storage_errors),
                "bytes": result.total_bytes_written,
            },
        )
        return result

    @staticmethod
    def _write(request: ModelArtifactStorageRequest, target: Path) -> tuple[bytes, str | None]:
        """Write one file in its encoding (a Python file's own, declared by its coding cookie; else UTF-8): the bytes
        written, and the error as text or None."""
        encoding = request.encoding or (
            declared_encoding(request.content) if target.suffix in PYTHON_SUFFIXES else "utf-8"
        )
        try:
            data = request.content.encode(encoding)
        except (UnicodeEncodeError, LookupError) as error:
            return b"", f"cannot write {target} as {encoding}: {error}"
        if target.exists() and not request.overwrite:
            return data, f"File exists and overwrite=False: {target}"
        if target.is_dir():
            return data, f"cannot write {target}: it is a directory"
        try:
            if request.create_directories:
                target.parent.mkdir(parents=True, exist_ok=True)
            elif not target.parent.is_dir():
                return data, f"directory does not exist (create_directories=False): {target.parent}"
            replace_atomically(target, data, int(request.file_permissions, 8))
        except OSError as error:
            return data, f"cannot write {target}: {error.strerror or error}"
        return data, None

    def _node_metrics(self) -> dict[str, Any]:
        total = self._stored + self._failed
        return {
            "total_storage_operations": total,
            "successful_storage_operations": self._stored,
            "failed_storage_operations": self._failed,
            "total_bytes_written": self._bytes,
            "avg_bytes_per_file": self._bytes / self._stored if self._stored else 0.0,
        }


__all__ = ["NodeCodegenStoreEffect", "resolve_inside"]
