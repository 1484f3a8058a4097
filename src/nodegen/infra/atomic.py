"""Writing a file so that a crash can never leave it half-written: a temporary file in the same folder, flushed to
disk, given its permission bits, renamed over the target (atomic on POSIX), then the folder synced so the rename
survives a power cut. On failure the target is as it was and the temporary file is gone."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def replace_atomically(target: Path, data: bytes, mode: int) -> None:
    """Put ``data`` at ``target`` with permission bits ``mode``; ``OSError`` (target untouched) when it cannot."""
    temporary: str | None = None
    try:
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).chmod(mode)
        Path(temporary).replace(target)
        temporary = None
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                Path(temporary).unlink()


__all__ = ["replace_atomically"]
