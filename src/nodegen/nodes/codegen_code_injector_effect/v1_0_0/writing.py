"""Writing a modified source back to its file so that a crash can never leave it half-written.

- A lock file beside the target stops a second run from writing the same file at the same time (a lock left by a
  process that no longer exists is taken over).
- The file must still hold exactly the text the caller read; otherwise nothing is written.
- The new text goes to a temporary file in the same folder, is flushed to disk, given the original's permission
  bits, and renamed over the original (atomic on POSIX); the folder is synced so the rename survives a power cut.
- Optionally the original bytes are kept as ``<file>.orig``.
- The file's encoding (coding cookie or BOM) is kept. A symlink is written through, not replaced.
"""

from __future__ import annotations

import contextlib
import os
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from nodegen.infra.atomic import replace_atomically
from nodegen.infra.source_files import decode_source
from nodegen.onex import ModelOnexError

from .models import EnumInjectionErrorCode

LOCK_SUFFIX = ".nodegen-lock"
BACKUP_SUFFIX = ".orig"


class WriteRefusedError(Exception):
    """Nothing was written; ``code`` says why."""

    def __init__(self, code: EnumInjectionErrorCode, message: str, suggested_fix: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.suggested_fix = suggested_fix


@dataclass(frozen=True, slots=True)
class WriteOutcome:
    """Where the text went."""

    path: Path
    backup_path: Path | None


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[Path]:
    """Hold ``<path>.nodegen-lock`` while the block runs; ``WriteRefusedError(FILE_LOCKED)`` if another run has it."""
    lock = path.with_name(path.name + LOCK_SUFFIX)
    for attempt in range(2):
        try:
            descriptor = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                holder = int(lock.read_text().strip() or "0")
            except (OSError, ValueError):
                holder = 0
            if attempt == 0 and holder and not _process_alive(holder):
                lock.unlink(missing_ok=True)  # left behind by a run that died
                continue
            raise WriteRefusedError(
                EnumInjectionErrorCode.FILE_LOCKED,
                f"another nodegen run (process {holder or 'unknown'}) is writing {path}: its lock file {lock} exists",
                suggested_fix=f"wait for that run to finish; delete {lock} only if no nodegen run is active",
            ) from None
        except OSError as error:
            raise WriteRefusedError(
                EnumInjectionErrorCode.WRITE_FAILED,
                f"cannot create the lock file {lock}: {error.strerror}",
                suggested_fix="check that the folder is writable",
            ) from error
        with os.fdopen(descriptor, "w") as handle:
            handle.write(str(os.getpid()))
        break
    try:
        yield lock
    finally:
        lock.unlink(missing_ok=True)


def _encoding_of(data: bytes) -> str:
    try:
        encoding, _ = tokenize.detect_encoding(iter([*data.splitlines(keepends=True)[:2], b""]).__next__)
    except SyntaxError:
        return "utf-8"
    return "utf-8" if encoding == "utf-8-sig" else encoding  # the BOM is part of the text already


def write_source(path: Path, expected: str, new_text: str, *, backup: bool) -> WriteOutcome:
    """Replace the file at ``path`` with ``new_text`` if it still holds ``expected``; see the module docstring."""
    target = Path(os.path.realpath(path))
    with file_lock(target):
        try:
            current_bytes = target.read_bytes()
        except OSError as error:
            raise WriteRefusedError(
                EnumInjectionErrorCode.WRITE_FAILED, f"cannot read {path} before writing it: {error.strerror}"
            ) from error
        try:
            current = decode_source(current_bytes, origin=str(path))
        except ModelOnexError:
            current = None
        if current != expected:
            raise WriteRefusedError(
                EnumInjectionErrorCode.FILE_CHANGED,
                f"{path} changed on disk since it was read; nothing was written",
                suggested_fix="run again on the file as it is now",
            )
        encoding = _encoding_of(current_bytes)
        try:
            data = new_text.encode(encoding)
        except UnicodeEncodeError as error:
            raise WriteRefusedError(
                EnumInjectionErrorCode.WRITE_FAILED,
                f"the new code holds {error.object[error.start : error.end]!r}, which the file's encoding "
                f"{encoding} cannot represent; nothing was written",
                suggested_fix="use characters the file's encoding has, or change the file's encoding",
            ) from error
        mode = target.stat().st_mode & 0o7777
        backup_path = target.with_name(target.name + BACKUP_SUFFIX) if backup else None
        if backup_path is not None:
            _replace_atomically(backup_path, current_bytes, mode)
        _replace_atomically(target, data, mode)
        return WriteOutcome(path=target, backup_path=backup_path)


def _replace_atomically(target: Path, data: bytes, mode: int) -> None:
    try:
        replace_atomically(target, data, mode)
    except OSError as error:
        raise WriteRefusedError(
            EnumInjectionErrorCode.WRITE_FAILED,
            f"cannot write {target}: {error.strerror or error}; the file was left as it was",
            suggested_fix="free disk space or make the folder writable, then run again",
        ) from error


__all__ = ["BACKUP_SUFFIX", "LOCK_SUFFIX", "WriteOutcome", "WriteRefusedError", "file_lock", "write_source"]
