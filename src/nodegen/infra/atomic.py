"""Writing a file so that a crash can never leave it half-written: a temporary file in the same folder, flushed to
disk, given its permission bits (and owner), renamed over the target (atomic on POSIX), then the folder synced so the
rename survives a power cut. On failure the target is as it was and the temporary file is gone.

Temporary files are named ``.<name>.nodegen-<pid>-<random>.tmp``: a process killed mid-write (SIGKILL, power cut)
leaves one behind, and the next write of the same target removes those whose writer no longer runs.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
from pathlib import Path

_TEMP_MARK = ".nodegen-"
_TEMP_SUFFIX = ".tmp"


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs (one of another user counts as running)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def temporary_path(target: Path) -> Path:
    """A fresh temporary name beside ``target`` that names this process as its writer."""
    return target.with_name(f".{target.name}{_TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}{_TEMP_SUFFIX}")


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove the temporary files of ``target`` whose writer is dead; returns what was removed."""
    removed: list[Path] = []
    pattern = f".{glob.escape(target.name)}{_TEMP_MARK}*{_TEMP_SUFFIX}"
    for candidate in target.parent.glob(pattern):
        writer = candidate.name[len(target.name) + 1 + len(_TEMP_MARK) : -len(_TEMP_SUFFIX)].split("-", 1)[0]
        if writer.isdigit() and not process_alive(int(writer)):
            with contextlib.suppress(OSError):
                candidate.unlink()
                removed.append(candidate)
    return removed


def write_new_file(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Create ``path`` (it must not exist) holding ``data``, flushed to disk; nothing is left behind on failure."""
    descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise


def replace_atomically(target: Path, data: bytes, mode: int, *, owner: tuple[int, int] | None = None) -> None:
    """Put ``data`` at ``target`` with permission bits ``mode`` (and ``owner`` = (uid, gid) when given);
    ``OSError`` (target untouched) when it cannot."""
    remove_stale_temporaries(target)
    temporary = temporary_path(target)
    renamed = False
    try:
        write_new_file(temporary, data)
        if owner is not None:
            os.chown(temporary, *owner)
        temporary.chmod(mode)  # after chown, which clears set-id bits
        temporary.replace(target)
        renamed = True
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    finally:
        if not renamed:
            with contextlib.suppress(OSError):
                temporary.unlink()


def overwrite_in_place(target: Path, data: bytes) -> None:
    """Write ``data`` into the existing inode of ``target`` (its hard links, owner and mode stay): the new bytes are
    written over the old ones, the file cut to their length, and flushed. Not atomic: callers keep a copy first."""
    descriptor = os.open(target, os.O_WRONLY)
    try:
        view = memoryview(data)
        while view:
            view = view[os.pwrite(descriptor, view, len(data) - len(view)) :]
        os.ftruncate(descriptor, len(data))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


__all__ = [
    "overwrite_in_place",
    "process_alive",
    "remove_stale_temporaries",
    "replace_atomically",
    "temporary_path",
    "write_new_file",
]
