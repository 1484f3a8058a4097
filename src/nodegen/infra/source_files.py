"""Reading Python source files and finding them under directories.

Decoding follows Python's own rules (PEP 263 coding cookie, UTF-8 byte-order mark, UTF-8 by default) and refuses
binary data with an error that says so. Directory walks skip version-control and virtual-environment folders, caches,
and whatever the ``.gitignore`` files from the repository root down to each folder exclude; a file named explicitly
is always taken.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import tokenize
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

import pathspec
from pydantic import BaseModel, Field

from nodegen.infra.atomic import stale_journal
from nodegen.onex import EnumCoreErrorCode, ModelOnexError

SKIPPED_DIRECTORIES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".tox",
        ".nox",
        ".hypothesis",
        "node_modules",
        ".nodegen",
    }
)
PYTHON_SUFFIXES = (".py", ".pyi")


def decode_source(data: bytes, *, origin: str = "the source") -> str:
    """Text of Python source ``data``: its coding cookie or BOM honoured, UTF-8 otherwise; the BOM is kept.

    Raises ``ModelOnexError(VALIDATION_ERROR)`` for binary data (a NUL byte) or bytes that are not valid in the
    declared encoding, naming the offset of the first bad byte.
    """
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.VALIDATION_ERROR,
            message=f"{origin} holds a NUL byte at offset {nul}: it is binary, not Python source",
        )
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.VALIDATION_ERROR, message=_undecodable_head(data, origin, error), cause=error
        ) from error
    try:
        text = data.decode("utf-8" if encoding == "utf-8-sig" else encoding)
    except UnicodeDecodeError as error:
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.VALIDATION_ERROR,
            message=(
                f"{origin} is not valid {encoding} text: byte 0x{data[error.start]:02x} at offset {error.start} "
                "cannot be decoded (declare the file's encoding with a '# -*- coding: ... -*-' line)"
            ),
            cause=error,
        ) from error
    return text


def _undecodable_head(data: bytes, origin: str, error: SyntaxError) -> str:
    """Why Python cannot read the first lines: a cookie naming an encoding it does not know, or bytes that are not
    UTF-8 with no cookie at all (a latin-1 file that never said so)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as bad:
        if not _COOKIE.search(b"\n".join(data.splitlines()[:2])):
            line = data.count(b"\n", 0, bad.start) + 1
            return (
                f"{origin} is not UTF-8 and declares no encoding: byte 0x{data[bad.start]:02x} at offset {bad.start} "
                f"(line {line}); add a '# -*- coding: latin-1 -*-' line (or the encoding it is written in) as its "
                "first line, or convert it to UTF-8"
            )
    return f"{origin} declares an encoding Python does not know: {error}"


_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)


def declared_encoding(text: str) -> str:
    """The encoding Python source ``text`` declares (a PEP 263 coding cookie in its first two lines), else UTF-8:
    what its bytes must be written in to read back as the same text."""
    head = "".join(text.splitlines(keepends=True)[:2]).lstrip("\ufeff").encode("utf-8", errors="replace")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(head).readline)
    except SyntaxError:
        return "utf-8"  # a cookie Python does not know: decode_source refused such a file when it was read
    return "utf-8" if encoding == "utf-8-sig" else encoding


def _kind_of(mode: int) -> str | None:
    """What a file that is not a regular file is (None: a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _size_refusal(path: Path, size: int, max_bytes: int | None) -> ModelOnexError | None:
    if max_bytes is None or size <= max_bytes:
        return None
    return ModelOnexError(
        error_code=EnumCoreErrorCode.INVALID_INPUT,
        message=(
            f"{path} is {size:,} bytes, over the limit of {max_bytes:,} bytes (the max_file_bytes setting): "
            "it was not read; raise max_file_bytes (NODEGEN_MAX_FILE_BYTES) to take it"
        ),
    )


def _os_error(path: Path, error: OSError) -> ModelOnexError:
    if isinstance(error, FileNotFoundError):
        return ModelOnexError(error_code=EnumCoreErrorCode.FILE_NOT_FOUND, message=f"no such file: {path}", cause=error)
    if isinstance(error, PermissionError):
        return ModelOnexError(
            error_code=EnumCoreErrorCode.PERMISSION_DENIED,
            message=f"cannot read {path}: permission denied",
            cause=error,
        )
    if error.errno == errno.ELOOP:
        return ModelOnexError(
            error_code=EnumCoreErrorCode.INVALID_INPUT,
            message=f"{path} is a symlink loop (it leads back to itself): there is no file to read",
            cause=error,
        )
    return ModelOnexError(
        error_code=EnumCoreErrorCode.FILE_READ_ERROR, message=f"cannot read {path}: {error.strerror}", cause=error
    )


def read_source(path: Path, *, max_bytes: int | None = None) -> str:
    """The decoded text of the regular file at ``path`` (see :func:`decode_source`), or a clear ``ModelOnexError``.

    The file is looked at before it is read: a FIFO, socket or device is refused (``INVALID_INPUT``) without being
    opened (opening a FIFO blocks), and so is a file over ``max_bytes``.
    """
    try:
        info = path.stat()
        kind = _kind_of(info.st_mode)
        if kind is not None:
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.INVALID_INPUT,
                message=f"{path} is {kind}, not a file: nodegen reads only regular files",
            )
        refusal = _size_refusal(path, info.st_size, max_bytes)
        if refusal is not None:
            raise refusal
        # O_NONBLOCK: should the path have become a FIFO since the look, opening it still does not block
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise ModelOnexError(
                    error_code=EnumCoreErrorCode.INVALID_INPUT,
                    message=f"{path} changed into something that is not a regular file while it was read",
                )
            data = handle.read()
        journal = stale_journal(path)
        if journal is not None:  # a run died rewriting it in place: its last whole text is the journal's
            data = journal.read_bytes()
    except OSError as error:
        raise _os_error(path, error) from error
    return decode_source(data, origin=str(path))


class _IgnoreRules:
    """The .gitignore files that apply to a walk, each anchored at its own folder."""

    def __init__(self) -> None:
        self._specs: list[tuple[Path, pathspec.GitIgnoreSpec]] = []

    def add_folder(self, folder: Path) -> None:
        ignore_file = folder / ".gitignore"
        if ignore_file.is_file():
            try:
                lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                return
            self._specs.append((folder, pathspec.GitIgnoreSpec.from_lines(lines)))

    def ignores(self, path: Path, *, is_dir: bool) -> bool:
        for folder, spec in self._specs:
            try:
                relative = path.relative_to(folder).as_posix()
            except ValueError:
                continue
            if spec.match_file(relative + "/" if is_dir else relative):
                return True
        return False

    def copy(self) -> _IgnoreRules:
        clone = _IgnoreRules()
        clone._specs = list(self._specs)
        return clone


def _repository_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _is_virtualenv(folder: Path) -> bool:
    return (folder / "pyvenv.cfg").is_file()


class EnumPathNote(StrEnum):
    """Why a path met on a walk is not among the files taken."""

    SKIPPED = "skipped"  # nothing to read: a FIFO, socket or device, a symlink loop, a broken or folder symlink
    REFUSED = "refused"  # a source nodegen will not touch unless it is named: a symlink out of the folder walked


class ModelPathNote(BaseModel):
    """A path left out of a walk, and why."""

    path: str
    kind: EnumPathNote
    message: str


class ModelSourceSelection(BaseModel):
    """The files to work on, and the paths met on the way that were left out."""

    files: list[Path] = Field(default_factory=list)
    notes: list[ModelPathNote] = Field(default_factory=list)

    @property
    def refused(self) -> list[ModelPathNote]:
        """The notes of sources that were refused (the command did not do all it was asked)."""
        return [note for note in self.notes if note.kind is EnumPathNote.REFUSED]


class _Walk:
    """One folder walked: the Python files below it, and notes on what was left out."""

    def __init__(self, given: Path, root: Path) -> None:
        self.given = given  # the folder as the user wrote it: found paths are reported under it
        self.root = root  # the same, resolved: symlinks must stay inside it
        self.files: list[Path] = []
        self.notes: list[ModelPathNote] = []

    def _shown(self, path: Path) -> Path:
        return self.given / path.relative_to(self.root)

    def _note(self, path: Path, kind: EnumPathNote, message: str) -> None:
        self.notes.append(ModelPathNote(path=str(self._shown(path)), kind=kind, message=message))

    def walk(self, folder: Path, rules: _IgnoreRules) -> None:
        rules.add_folder(folder)
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            self._note(folder, EnumPathNote.SKIPPED, f"folder not read: {error.strerror}")
            return
        for entry in entries:
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                if entry.name in SKIPPED_DIRECTORIES or _is_virtualenv(path) or rules.ignores(path, is_dir=True):
                    continue
                self.walk(path, rules.copy())
            elif entry.is_symlink():
                self._symlink(entry, path, rules)
            elif entry.name.endswith(PYTHON_SUFFIXES) and not rules.ignores(path, is_dir=False):
                self._entry(entry, path)

    def _entry(self, entry: os.DirEntry[str], path: Path) -> None:
        try:
            kind = _kind_of(entry.stat(follow_symlinks=False).st_mode)
        except OSError as error:  # removed while walked
            self._note(path, EnumPathNote.SKIPPED, f"not read: {error.strerror}")
            return
        if kind is None:
            self.files.append(self._shown(path))
        else:
            self._note(path, EnumPathNote.SKIPPED, f"{kind}, not a file: not opened")

    def _symlink(self, entry: os.DirEntry[str], path: Path, rules: _IgnoreRules) -> None:
        python = entry.name.endswith(PYTHON_SUFFIXES)
        if rules.ignores(path, is_dir=not python):
            return
        try:
            info = path.stat()
        except OSError as error:
            if error.errno == errno.ELOOP:
                self._note(path, EnumPathNote.SKIPPED, "a symlink loop (it leads back to itself): not followed")
            elif python:
                self._note(path, EnumPathNote.SKIPPED, f"a broken symlink ({error.strerror}): nothing to read")
            return
        if stat.S_ISDIR(info.st_mode):
            self._note(path, EnumPathNote.SKIPPED, "a symlink to a folder: not followed (name the folder to walk it)")
            return
        if not python:
            return
        kind = _kind_of(info.st_mode)
        if kind is not None:
            self._note(path, EnumPathNote.SKIPPED, f"a symlink to {kind}, not to a file: not opened")
            return
        target = path.resolve()
        if not target.is_relative_to(self.root):
            self._note(
                path,
                EnumPathNote.REFUSED,
                f"a symlink to {target}, outside {self.given}: not read or written "
                "(name it on the command line to take it)",
            )
            return
        self.files.append(self._shown(path))


def _named(given: Path) -> Path | None:
    """``given`` itself when it is a file; None for a folder; a clear error for anything else."""
    try:
        info = given.stat()
    except OSError as error:
        if isinstance(error, FileNotFoundError):
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.FILE_NOT_FOUND, message=f"no such file or folder: {given}", cause=error
            ) from error
        raise _os_error(given, error) from error
    if stat.S_ISDIR(info.st_mode):
        return None
    kind = _kind_of(info.st_mode)
    if kind is not None:
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.INVALID_INPUT,
            message=f"{given} is {kind}, not a file: nodegen reads only regular files (it was not opened)",
        )
    return given


def select_sources(paths: Sequence[Path]) -> ModelSourceSelection:
    """The Python files named in ``paths`` or found below the folders among them, sorted, each file once.

    A path named here is taken as it is (a symlink anywhere, a file .gitignore lists), or refused with a
    ``ModelOnexError``: ``FILE_NOT_FOUND`` when it does not exist, ``INVALID_INPUT`` for a FIFO, socket or device
    (never opened: opening a FIFO blocks) or a symlink loop. Below a folder, such paths are left out with a note,
    and a symlink that leads out of the folder is refused with a note: nodegen never reads or writes through it
    unless it is named. Two paths to one file keep the first.
    """
    found: dict[Path, None] = {}
    notes: list[ModelPathNote] = []
    for given in paths:
        named = _named(given)
        if named is not None:
            found[named] = None
            continue
        root = given.resolve()
        rules = _IgnoreRules()
        repository = _repository_root(root)
        if repository is not None:
            for folder in reversed(root.parents):
                if folder == repository or repository in folder.parents:
                    rules.add_folder(folder)
            inside = [folder for folder in (root, *root.parents) if repository in folder.parents]
            if any(rules.ignores(folder, is_dir=True) for folder in inside):
                rules = _IgnoreRules()  # a folder named explicitly is walked even when .gitignore lists it
        walk = _Walk(given, root)
        walk.walk(root, rules)
        found.update(dict.fromkeys(walk.files))
        notes += walk.notes
    files: list[Path] = []
    first_of: dict[Path, Path] = {}
    for path in sorted(found):
        real = path.resolve()
        if real in first_of:
            notes.append(
                ModelPathNote(
                    path=str(path), kind=EnumPathNote.SKIPPED, message=f"the same file as {first_of[real]}: taken once"
                )
            )
            continue
        first_of[real] = path
        files.append(path)
    return ModelSourceSelection(files=files, notes=sorted(notes, key=lambda note: note.path))


def discover_python_files(paths: Sequence[Path]) -> list[Path]:
    """The files of :func:`select_sources` (its notes left out)."""
    return select_sources(paths).files


__all__ = [
    "PYTHON_SUFFIXES",
    "SKIPPED_DIRECTORIES",
    "EnumPathNote",
    "ModelPathNote",
    "ModelSourceSelection",
    "declared_encoding",
    "decode_source",
    "discover_python_files",
    "read_source",
    "select_sources",
]
