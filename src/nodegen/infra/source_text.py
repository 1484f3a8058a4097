"""A Python source file's text: decoded by Python's own rules (PEP 263 coding cookie, UTF-8 byte-order mark, UTF-8
by default), binary data refused with an error that says so, and only regular files read (a FIFO, socket or device is
refused unopened).
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import tokenize
from pathlib import Path

from nodegen.infra.atomic import stale_journal
from nodegen.onex import EnumCoreErrorCode, ModelOnexError


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


def source_text(value: object, *, origin: str) -> str:
    """A request's source field as text: bytes decoded as Python would (``decode_source``); ``ValueError`` for
    anything but text, or text holding a NUL byte (binary data, not Python source)."""
    if isinstance(value, bytes | bytearray):
        return decode_source(bytes(value), origin=origin)
    if not isinstance(value, str):
        raise ValueError(f"{origin} must be text (str or bytes), not {type(value).__name__}")
    if "\x00" in value:
        line = value.count("\n", 0, value.index("\x00")) + 1
        raise ValueError(f"{origin} holds a NUL byte (line {line}): it is binary data, not Python source")
    return value


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


def file_kind(mode: int) -> str | None:
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


def read_error(path: Path, error: OSError) -> ModelOnexError:
    """What reading ``path`` failing with ``error`` means, as a ``ModelOnexError`` with its code."""
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
        kind = file_kind(info.st_mode)
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
        raise read_error(path, error) from error
    return decode_source(data, origin=str(path))


__all__ = ["declared_encoding", "decode_source", "file_kind", "read_error", "read_source", "source_text"]
