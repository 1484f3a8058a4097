"""Finding Python source files: the files named, and those below the folders named.

Directory walks skip version-control and virtual-environment folders, caches, and whatever the ``.gitignore`` files
from the repository root down to each folder exclude; a file named explicitly is always taken. Reading a file's text
is ``source_text``.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

import pathspec
from pydantic import BaseModel, Field

from nodegen.onex import EnumCoreErrorCode, ModelOnexError

from .source_text import file_kind, read_error

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
            kind = file_kind(entry.stat(follow_symlinks=False).st_mode)
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
        kind = file_kind(info.st_mode)
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
        raise read_error(given, error) from error
    if stat.S_ISDIR(info.st_mode):
        return None
    kind = file_kind(info.st_mode)
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
    "discover_python_files",
    "select_sources",
]
