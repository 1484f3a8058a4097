"""Reading Python source files and finding them under directories.

Decoding follows Python's own rules (PEP 263 coding cookie, UTF-8 byte-order mark, UTF-8 by default) and refuses
binary data with an error that says so. Directory walks skip version-control and virtual-environment folders, caches,
and whatever the ``.gitignore`` files from the repository root down to each folder exclude; a file named explicitly
is always taken.
"""

from __future__ import annotations

import io
import os
import tokenize
from collections.abc import Iterable, Sequence
from pathlib import Path

import pathspec

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
            error_code=EnumCoreErrorCode.VALIDATION_ERROR,
            message=f"{origin} declares an encoding Python does not know: {error}",
            cause=error,
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


def read_source(path: Path) -> str:
    """The decoded text of the file at ``path`` (see :func:`decode_source`), or a clear ``ModelOnexError``."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.FILE_NOT_FOUND, message=f"no such file: {path}", cause=error
        ) from error
    except IsADirectoryError as error:
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.INVALID_INPUT, message=f"{path} is a directory, not a file", cause=error
        ) from error
    except PermissionError as error:
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.PERMISSION_DENIED,
            message=f"cannot read {path}: permission denied",
            cause=error,
        ) from error
    except OSError as error:
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.FILE_READ_ERROR,
            message=f"cannot read {path}: {error.strerror}",
            cause=error,
        ) from error
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


def _walk(root: Path, rules: _IgnoreRules) -> Iterable[Path]:
    rules.add_folder(root)
    try:
        entries = sorted(os.scandir(root), key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            if entry.name in SKIPPED_DIRECTORIES or _is_virtualenv(path) or rules.ignores(path, is_dir=True):
                continue
            yield from _walk(path, rules.copy())
        elif entry.is_file() and entry.name.endswith(PYTHON_SUFFIXES) and not rules.ignores(path, is_dir=False):
            yield path


def discover_python_files(paths: Sequence[Path]) -> list[Path]:
    """Python files named in ``paths`` or found below the directories among them, sorted and without repeats.

    Raises ``ModelOnexError(FILE_NOT_FOUND)`` for a path that does not exist.
    """
    found: dict[Path, None] = {}
    for given in paths:
        if not given.exists():
            raise ModelOnexError(
                error_code=EnumCoreErrorCode.FILE_NOT_FOUND, message=f"no such file or folder: {given}"
            )
        if given.is_file():
            found[given] = None
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
        for path in _walk(root, rules):
            found[given / path.relative_to(root)] = None
    return sorted(found)


__all__ = ["PYTHON_SUFFIXES", "SKIPPED_DIRECTORIES", "decode_source", "discover_python_files", "read_source"]
