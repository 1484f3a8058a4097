"""Model of one refused injection request (or a refused write)."""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator

from .enum_injection_error_code import EnumInjectionErrorCode


class ModelInjectionError(BaseModel):
    """What failed, where, and what to do about it, written so that a model can fix its answer from it."""

    code: EnumInjectionErrorCode
    error_type: str = Field(default="", description="Same as code (the original API's name)")
    method_name: str = Field(description="The name the request gave")
    qualified_name: str | None = Field(default=None, description="The stub it resolved to, when it did")
    message: str
    line_number: int | None = None
    suggested_fix: str | None = None
    attempted_code: str | None = Field(default=None, description="The code as it would have been written")

    @model_validator(mode="after")
    def _error_type_follows_code(self) -> ModelInjectionError:
        self.error_type = self.code.value
        return self
