"""Model of one finding."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, computed_field

from .enum_finding_severity import EnumFindingSeverity
from .enum_validation_rule import EnumValidationRule


class ModelValidationFinding(BaseModel):
    """A problem, where it is and how to fix it, worded so that a model can fix the code from it alone."""

    model_config = ConfigDict(frozen=True)

    rule: EnumValidationRule
    code: str = Field(description="Stable id: SYN001, F821, B602, SEC020, ONEX003, TYP001, QUA001, ...")
    severity: EnumFindingSeverity
    message: str
    line: int | None = Field(default=None, description="1-based line (of the user's file when a target is given)")
    column: int | None = Field(default=None, description="1-based column")
    snippet: str | None = Field(default=None, description="The source line the finding is on")
    suggested_fix: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def line_number(self) -> int | None:
        """The original API's name for ``line``."""
        return self.line

    @computed_field  # type: ignore[prop-decorator]
    @property
    def code_snippet(self) -> str | None:
        """The original API's name for ``snippet``."""
        return self.snippet

    def render(self) -> str:
        """``line 12, column 5 [F821] undefined name `json` - fix: import json`` style text for people and models."""
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "") if self.line else "file"
        fix = f" Fix: {self.suggested_fix}" if self.suggested_fix else ""
        return f"{where} [{self.code}] {self.severity.value}: {self.message}.{fix}"
