"""Model of a refused write of the whole file."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from .enum_injection_error_code import EnumInjectionErrorCode


class ModelWriteRefusal(BaseModel):
    """The file was not written (read-only, hard-linked, changed or locked meanwhile, a full disk, ...): it concerns
    every request of the run, not one stub; the file is as it was."""

    model_config = ConfigDict(frozen=True)

    code: EnumInjectionErrorCode
    message: str
    suggested_fix: str | None = None
