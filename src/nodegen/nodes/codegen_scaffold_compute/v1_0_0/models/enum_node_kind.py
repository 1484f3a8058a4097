"""The four ONEX node kinds a package can be scaffolded as."""

from __future__ import annotations

from enum import StrEnum


class EnumNodeKind(StrEnum):
    """effect (I/O), compute (pure transform), reducer (pure aggregation), orchestrator (coordination)."""

    EFFECT = "effect"
    COMPUTE = "compute"
    REDUCER = "reducer"
    ORCHESTRATOR = "orchestrator"
