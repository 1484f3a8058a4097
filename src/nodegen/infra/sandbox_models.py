"""What a sandboxed run may use and how it ended (``sandbox.run_sandboxed``), and its limits from the settings."""

from __future__ import annotations

import math
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field


class ModelSandboxLimits(BaseModel):
    """What one sandboxed run may use."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    timeout_s: float = Field(default=10.0, gt=0, description="Wall time; the whole process tree is killed after it")
    memory_mb: int = Field(default=1024, ge=64, description="Address space of each process (RLIMIT_AS)")
    output_bytes: int = Field(default=1_000_000, ge=1024, description="Bytes kept of stdout and of stderr each")
    file_mb: int = Field(default=256, ge=1, description="Largest file a process may write; size of private /tmp")
    unsandboxed: bool = Field(
        default=False,
        description="Where bubblewrap is missing or fails, run the command anyway as a plain child process (its file "
        "system and network NOT isolated); False: it is not run, and the result says why",
    )

    @property
    def cpu_s(self) -> int:
        """CPU seconds of each process: the wall time, rounded up."""
        return math.ceil(self.timeout_s) + 1


class ModelSandboxResult(BaseModel):
    """How a sandboxed run ended and what it printed (each stream cut at the output limit)."""

    exit_code: int | None = Field(description="None when nodegen killed the run (time or output limit)")
    stdout: str = ""
    stderr: str = ""
    timed_out: bool = False
    output_truncated: bool = Field(default=False, description="The output passed its limit; the run was killed")
    sandboxed: bool = Field(description="Ran under bubblewrap; False: a plain child process with limits only")
    refused: bool = Field(default=False, description="Not run at all: no sandbox, and running without one not allowed")
    note: str = Field(default="", description="What happened, in words: the limit hit, or why there was no sandbox")
    duration_ms: float = Field(default=0.0, ge=0.0)

    @property
    def ok(self) -> bool:
        """Exit code 0, within every limit."""
        return self.exit_code == 0 and not self.timed_out and not self.output_truncated


class SandboxSettings(Protocol):
    """The settings a sandboxed run's limits come from."""

    @property
    def sandbox_memory_mb(self) -> int: ...
    @property
    def sandbox_output_bytes(self) -> int: ...
    @property
    def allow_unsandboxed_code(self) -> bool: ...


def limits_from(settings: SandboxSettings, timeout_s: float) -> ModelSandboxLimits:
    """The limits of a run taking at most ``timeout_s``, the rest as configured."""
    return ModelSandboxLimits(
        timeout_s=timeout_s,
        memory_mb=settings.sandbox_memory_mb,
        output_bytes=settings.sandbox_output_bytes,
        unsandboxed=settings.allow_unsandboxed_code,
    )


__all__ = ["ModelSandboxLimits", "ModelSandboxResult", "SandboxSettings", "limits_from"]
