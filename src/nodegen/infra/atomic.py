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


def _sync_folder(folder: Path) -> None:
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


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
        _sync_folder(target.parent)
    finally:
        if not renamed:
            with contextlib.suppress(OSError):
                temporary.unlink()


_JOURNAL_MARK = ".nodegen-journal-"


def _journal_path(target: Path) -> Path:
    return target.with_name(f".{target.name}{_JOURNAL_MARK}{os.getpid()}")


def stale_journal(target: Path) -> Path | None:
    """The journal an in-place rewrite of ``target`` left when its writer died mid-write (it holds the file's last
    whole text); None when there is none, or its writer still runs."""
    for candidate in target.parent.glob(f".{glob.escape(target.name)}{_JOURNAL_MARK}*"):
        writer = candidate.name.rsplit("-", 1)[-1]
        if writer.isdigit() and not process_alive(int(writer)):
            return candidate
    return None


def _rewrite_inode(target: Path, data: bytes) -> None:
    """Write ``data`` over the inode of ``target``: the room it needs is reserved first (a full disk fails here,
    before a byte of the file changes), then the bytes, the cut to their length, and a flush."""
    descriptor = os.open(target, os.O_WRONLY)
    try:
        old_size = os.fstat(descriptor).st_size
        if len(data) > old_size:
            try:
                os.posix_fallocate(descriptor, 0, len(data))
            except OSError:
                os.ftruncate(descriptor, old_size)  # a partial reservation may have grown it: its text is intact
                raise
        view = memoryview(data)
        while view:
            view = view[os.pwrite(descriptor, view, len(data) - len(view)) :]
        os.ftruncate(descriptor, len(data))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def overwrite_in_place(target: Path, old: bytes, data: bytes) -> None:
    """Write ``data`` into the existing inode of ``target`` (its hard links, owner and mode stay), journaled: its
    ``old`` text goes to a journal file beside it (flushed) before the inode is touched, and the journal goes once
    the new text is on disk. A writer killed in between leaves the journal: ``stale_journal`` finds it and
    ``restore_from_journal`` puts the old text back. ``OSError`` (the file as it was) when the journal or the
    room for the new text cannot be had."""
    journal = _journal_path(target)
    write_new_file(journal, old)
    _sync_folder(target.parent)
    try:
        _rewrite_inode(target, data)
    except BaseException:
        with contextlib.suppress(OSError):
            _rewrite_inode(target, old)  # a failed write may have changed part of it
            journal.unlink()
        raise
    journal.unlink()
    _sync_folder(target.parent)


def restore_from_journal(target: Path) -> bool:
    """Put back the text a dead writer's journal holds (the caller holds the file's lock); whether there was one."""
    journal = stale_journal(target)
    if journal is None:
        return False
    _rewrite_inode(target, journal.read_bytes())
    journal.unlink()
    _sync_folder(target.parent)
    return True


__all__ = [
    "overwrite_in_place",
    "process_alive",
    "remove_stale_temporaries",
    "replace_atomically",
    "restore_from_journal",
    "stale_journal",
    "temporary_path",
    "write_new_file",
]
