"""What happened to one stub in a run."""

from __future__ import annotations

from enum import StrEnum


class EnumStubStatus(StrEnum):
    """``filled`` is written (or would be, in a dry run); ``failed`` has findings; ``skipped`` was not attempted."""

    FILLED = "filled"
    FAILED = "failed"
    SKIPPED = "skipped"
