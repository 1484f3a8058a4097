"""Writing a modified source back to its file so that a crash can never leave it half-written.

- A read-only file (no write bit for its owner) is refused: nodegen does not override what a user protected.
- A lock file beside the target, created in one step with the writer's process id, stops a second run from writing
  the same file at the same time; a stale lock (empty, garbled, or naming a dead process) is taken over.
- The file must still hold exactly the text the caller read; otherwise nothing is written.
- The new text goes to a temporary file in the same folder, is flushed to disk, given the original's permission
  bits and owner, and renamed over the original (atomic on POSIX); the folder is synced so the rename survives a
  power cut. A file with other hard links is refused unless the caller allows rewriting it in its own inode (as is
  a file whose owner we cannot give back): the old text goes to a journal beside it first, and the room for the new
  text is reserved before a byte changes (a full disk refuses it whole); a run killed mid-rewrite leaves the
  journal, from which the next read and write take the old text.
- Optionally the original bytes are kept as ``<file>.orig``.
- The file's encoding (coding cookie or BOM) is kept. A symlink is written through to its target, not replaced.
- Every failure is a ``WriteRefusedError`` with a code and a message (a full disk is ``WRITE_FAILED``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from nodegen.infra.atomic import (
    overwrite_in_place,
    process_alive,
    replace_atomically,
    restore_from_journal,
    temporary_path,
    write_new_file,
)
from nodegen.infra.source_text import decode_source
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


def _read_lock(lock: Path) -> bytes | None:
    try:
        return lock.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        return b""


def _live_holder(content: bytes) -> int | None:
    """The live process a lock's content names; None when the lock is stale (empty, garbled, or its process is
    dead)."""
    text = content.decode("ascii", "replace").strip()
    return int(text) if text.isdigit() and process_alive(int(text)) else None


def _take_over(lock: Path, stale: bytes, target: Path) -> None:
    """Remove a stale lock, unless another run replaced it meanwhile: the lock is first moved aside (atomic), and
    put back when what was moved is not the stale lock that was read."""
    aside = temporary_path(target)
    try:
        lock.rename(aside)
    except FileNotFoundError:
        return
    try:
        if aside.read_bytes() != stale:
            with contextlib.suppress(FileExistsError):
                os.link(aside, lock)
    finally:
        aside.unlink(missing_ok=True)


def _create_lock(lock: Path, target: Path) -> bool:
    """Create ``lock`` holding this process's id, in one step: the id is written and flushed to a temporary file
    that is then hard-linked as the lock, so a lock file is never seen empty. False when the lock exists."""
    temporary = temporary_path(target)
    write_new_file(temporary, str(os.getpid()).encode("ascii"), 0o644)
    try:
        os.link(temporary, lock)
    except FileExistsError:
        return False
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        try:  # a file system without hard links: exclusive create, then the id
            write_new_file(lock, str(os.getpid()).encode("ascii"), 0o644)
        except FileExistsError:
            return False
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    return True


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[Path]:
    """Hold ``<path>.nodegen-lock`` while the block runs; ``WriteRefusedError(FILE_LOCKED)`` if a live process holds
    it. A stale lock (empty, garbled, or naming a dead process) is taken over; a lock that cannot be written (a full
    disk, a read-only folder) is ``WRITE_FAILED`` and leaves no lock behind."""
    lock = path.with_name(path.name + LOCK_SUFFIX)
    for _ in range(3):
        try:
            if _create_lock(lock, path):
                break
        except OSError as error:
            raise WriteRefusedError(
                EnumInjectionErrorCode.WRITE_FAILED,
                f"cannot create the lock file {lock}: {error.strerror or error}; nothing was written",
                suggested_fix="free disk space or make the folder writable, then run again",
            ) from error
        content = _read_lock(lock)
        holder = None if content is None else _live_holder(content)
        if holder is not None:
            raise WriteRefusedError(
                EnumInjectionErrorCode.FILE_LOCKED,
                f"another nodegen run (process {holder}) is writing {path}: its lock file {lock} exists; "
                "nothing was written",
                suggested_fix=f"wait for that run to finish; delete {lock} only if no nodegen run is active",
            )
        if content is not None:
            with contextlib.suppress(OSError):  # left behind by a run that died: taken over (or refused next turn)
                _take_over(lock, content, path)
    else:
        raise WriteRefusedError(
            EnumInjectionErrorCode.FILE_LOCKED,
            f"the lock file {lock} keeps coming back: another run is taking it over; nothing was written",
            suggested_fix="run again once the other nodegen runs are done",
        )
    try:
        yield lock
    finally:
        with contextlib.suppress(OSError):  # a lock that stays names this process: stale once it is gone
            lock.unlink(missing_ok=True)


def _encoding_of(data: bytes) -> str:
    try:
        encoding, _ = tokenize.detect_encoding(iter([*data.splitlines(keepends=True)[:2], b""]).__next__)
    except SyntaxError:
        return "utf-8"
    return "utf-8" if encoding == "utf-8-sig" else encoding  # the BOM is part of the text already


def write_source(
    path: Path,
    expected: str,
    new_text: str,
    *,
    backup: bool,
    rewrite_hard_links: bool = False,
    through_symlink: bool = True,
) -> WriteOutcome:
    """Replace the file at ``path`` with ``new_text`` if it still holds ``expected``; see the module docstring."""
    if not through_symlink and path.is_symlink():
        raise WriteRefusedError(
            EnumInjectionErrorCode.FILE_CHANGED,
            f"{path} became a symbolic link (to {path.readlink()}) since it was read; nothing was written",
            suggested_fix="run again on the file as it is now (a link out of the folder is filled only when named)",
        )
    target = Path(os.path.realpath(path))
    try:
        status = target.stat()
    except OSError as error:
        raise WriteRefusedError(
            EnumInjectionErrorCode.WRITE_FAILED, f"cannot read {path} before writing it: {error.strerror}"
        ) from error
    if status.st_nlink > 1 and not rewrite_hard_links:
        raise WriteRefusedError(
            EnumInjectionErrorCode.HARD_LINKED,
            f"{path} has {status.st_nlink} hard links: replacing it would cut the others off, and rewriting it in "
            "place is not atomic; nothing was written",
            suggested_fix=f"fill a copy (cp {path} {path}.new && mv {path}.new {path} breaks the link), use "
            "--output-directory, or allow journaled in-place rewrites: NODEGEN_INJECTOR_REWRITE_HARD_LINKS=true",
        )
    if not status.st_mode & stat.S_IWUSR:
        raise WriteRefusedError(
            EnumInjectionErrorCode.FILE_READ_ONLY,
            f"{path} is read-only (mode {stat.filemode(status.st_mode)}); nothing was written",
            suggested_fix=f"make it writable (chmod u+w {path}) to have it filled, or use --output-directory",
        )
    with file_lock(target):
        try:
            restore_from_journal(target)  # a run killed mid-rewrite left the old text beside it
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
        mode = status.st_mode & 0o7777
        owner = _owner_to_keep(status)
        backup_path = target.with_name(target.name + BACKUP_SUFFIX) if backup else None
        if backup_path is not None:
            kept = None if owner is _CANNOT_KEEP else owner
            _write(lambda: replace_atomically(backup_path, current_bytes, mode, owner=kept), path)
        if status.st_nlink > 1 or owner is _CANNOT_KEEP:
            # A rename would cut the other hard links off (or give the file to us): the same inode is rewritten,
            # journaled (a run killed meanwhile leaves the old text, put back by the next write or read).
            _write(lambda: overwrite_in_place(target, current_bytes, data), path)
        else:
            _write(lambda: replace_atomically(target, data, mode, owner=owner), path)
        return WriteOutcome(path=target, backup_path=backup_path)


_CANNOT_KEEP = (-1, -1)


def _owner_to_keep(status: os.stat_result) -> tuple[int, int] | None:
    """The (uid, gid) to give a replacement file: None when ours is the file's already; ``_CANNOT_KEEP`` when it
    differs and we may not set it (not root), so the file must be rewritten in place to keep its owner."""
    owner = (status.st_uid, status.st_gid)
    if owner == (os.geteuid(), os.getegid()):
        return None
    return owner if os.geteuid() == 0 else _CANNOT_KEEP


def _write(action: Callable[[], None], path: Path) -> None:
    try:
        action()
    except OSError as error:
        raise WriteRefusedError(
            EnumInjectionErrorCode.WRITE_FAILED,
            f"cannot write {path}: {error.strerror or error}; the file was left as it was",
            suggested_fix="free disk space or make the folder writable, then run again",
        ) from error


__all__ = ["BACKUP_SUFFIX", "LOCK_SUFFIX", "WriteOutcome", "WriteRefusedError", "file_lock", "write_source"]
