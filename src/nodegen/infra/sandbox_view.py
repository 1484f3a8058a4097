"""What generated code sees of the host under bubblewrap: the system's programs and libraries, ``/etc`` without its
secrets (``shadow``, ``gshadow``, ``sudoers``, private TLS keys), the interpreter and what it imports, and the
folders the caller names (the stub's package and its import root): nothing else of the host. In those folders,
files that hold secrets (``.env``, private keys, ``.netrc``, nodegen's own state with its prompts) read as empty.
"""

from __future__ import annotations

import fnmatch
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


__all__ = ["SYSTEM", "masks", "outermost", "secrets_in", "system_mounts", "under"]
