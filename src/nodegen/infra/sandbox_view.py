"""What generated code sees of the host under bubblewrap: the system's programs and libraries, ``/etc`` without its
secrets (``shadow``, ``gshadow``, ``sudoers``, private TLS keys), the interpreter's own trees, and what can be
imported from the other folders it imports from and from those the caller names (the stub's folder and its import
root): their modules and packages, not the folders themselves (a project's root shows its packages, not its
README, data or ``.env``). Nothing else of the host. Inside what is shown, files that hold secrets (``.env``,
private keys, ``.netrc``, nodegen's own state with its prompts) read as empty.
"""

from __future__ import annotations

import fnmatch
import importlib.machinery
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

SYSTEM = tuple(Path(p) for p in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"))
_SYSTEM_SECRETS = ("/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/sudoers", "/etc/.pwd.lock")
_SYSTEM_SECRET_FOLDERS = ("/etc/sudoers.d", "/etc/ssl/private")
_SECRET_FILES = (
    ".env", ".env.*", "*.env", "*.pem", "*.key", "*.p12", "*.pfx", "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*",
    ".netrc", "_netrc", ".pypirc", ".git-credentials", "credentials", "credentials.json", "*.keystore", ".htpasswd",
)  # fmt: skip
_SECRET_FOLDERS = frozenset({".git", ".nodegen", ".ssh", ".aws", ".gnupg", ".docker", ".kube"})
_NOT_WALKED = frozenset({"node_modules", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache", ".ruff_cache"})
_MOST_ENTRIES = 20_000  # a walk of the caller's folders stops here (a huge tree is masked as far as it was walked)
_MODULE_SUFFIXES = tuple(importlib.machinery.all_suffixes())  # .py, .pyc, the extension modules' .so forms


def under(path: Path, roots: Iterable[Path]) -> bool:
    """``path`` is one of ``roots`` or inside one."""
    return any(path == root or root in path.parents for root in roots)


def outermost(paths: Iterable[Path]) -> list[Path]:
    """The existing ``paths``, without those inside another one of them."""
    kept: list[Path] = []
    for path in sorted({p for p in paths if p.exists()}, key=lambda p: len(p.parts)):
        if not under(path, kept):
            kept.append(path)
    return kept


def _module_name(entry: Path) -> str | None:
    """The name ``import`` finds ``entry`` by (a module file, or a folder), or None when it finds nothing there."""
    if entry.is_dir():
        return entry.name if entry.name.isidentifier() and entry.name not in _NOT_WALKED else None
    suffix = next((s for s in _MODULE_SUFFIXES if entry.name.endswith(s)), None)
    stem = entry.name[: -len(suffix)] if suffix else ""
    return stem if stem.isidentifier() else None


def _is_package(folder: Path) -> bool:
    """A regular package (``__init__``) or a namespace package: a folder holding modules of its own."""
    try:
        return any(not entry.is_dir() and _module_name(entry) for entry in folder.iterdir())
    except OSError:
        return False


def importable(folder: Path) -> list[Path]:
    """What ``import`` reaches from ``folder`` on ``sys.path``: its modules and its packages, each whole; never its
    other files and folders (a zip file on the path is itself)."""
    if not folder.is_dir():
        return [folder]
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [entry for entry in entries if _module_name(entry) and (not entry.is_dir() or _is_package(entry))]


def system_mounts() -> list[str]:
    """The system folders, read-only (a folder that is a symlink, ``/bin -> usr/bin``, is that symlink)."""
    argv: list[str] = []
    for folder in SYSTEM:
        if folder.is_symlink():
            argv += ["--symlink", str(folder.readlink()), str(folder)]
        elif folder.is_dir():
            argv += ["--ro-bind", str(folder), str(folder)]
    return argv


def secrets_in(roots: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """The secret files and folders inside ``roots`` (a bounded walk), to be masked."""
    files: list[Path] = []
    folders: list[Path] = []
    seen = 0
    for root in roots:
        for folder, names, entries in os.walk(root):
            seen += len(names) + len(entries)
            if seen > _MOST_ENTRIES:
                return files, folders
            here = Path(folder)
            folders += [here / name for name in names if name in _SECRET_FOLDERS]
            names[:] = [name for name in names if name not in _SECRET_FOLDERS | _NOT_WALKED]
            files += [here / name for name in entries if any(fnmatch.fnmatch(name, p) for p in _SECRET_FILES)]
    return files, folders


def masks(bound: Sequence[Path], work: Path) -> list[str]:
    """Arguments that hide the secrets in what is bound (the work folder's own files are the run's)."""
    files, folders = secrets_in([root for root in bound if not under(root, SYSTEM)])
    files += [Path(p) for p in _SYSTEM_SECRETS]
    folders += [Path(p) for p in _SYSTEM_SECRET_FOLDERS]
    argv: list[str] = []
    for folder in folders:
        if folder.is_dir() and under(folder, [*bound, *SYSTEM]) and not under(work, [folder]):
            argv += ["--tmpfs", str(folder)]
    for file in files:
        if file.is_file() and not file.is_symlink() and under(file, [*bound, *SYSTEM]) and not under(file, [work]):
            argv += ["--ro-bind", "/dev/null", str(file)]
    return argv


__all__ = ["SYSTEM", "importable", "masks", "outermost", "secrets_in", "system_mounts", "under"]
