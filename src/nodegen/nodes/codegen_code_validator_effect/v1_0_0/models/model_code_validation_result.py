"""Model of the validator's result."""

from __future__ import annotations

from pydantic import BaseModel, Field, computed_field

from .enum_validation_rule import EnumValidationRule
from .model_validation_finding import ModelValidationFinding


class ModelCodeValidationResult(BaseModel):
    """Whether the code may be written, and every finding that says why not (or what could be better)."""

    is_valid: bool
    errors: list[ModelValidationFinding] = Field(default_factory=list)
    warnings: list[ModelValidationFinding] = Field(default_factory=list)
    preexisting: list[ModelValidationFinding] = Field(
        default_factory=list, description="Problems already in the file outside the code; they never count"
    )
    rules_checked: list[EnumValidationRule] = Field(default_factory=list)
    syntax_valid: bool = True
    parsed: bool = Field(default=True, description="The code parses as Python (False: nothing else was checked)")
    onex_compliant: bool = True
    security_issues_found: int = Field(default=0, ge=0)
    validation_time_ms: float = Field(ge=0.0)
    rule_timings_ms: dict[str, float] = Field(default_factory=dict)
    file_lines: int = Field(default=0, ge=0, description="Lines of the code as checked")
    file_path: str | None = None
    probe_outputs: list[str] | None = Field(
        default=None, description="What each of the target's probes printed or raised (None: none ran)"
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def validation_errors(self) -> list[ModelValidationFinding]:
        """The original API's name for ``errors``."""
        return self.errors

    @computed_field  # type: ignore[prop-decorator]
    @property
    def validation_warnings(self) -> list[ModelValidationFinding]:
        """The original API's name for ``warnings``."""
        return self.warnings

    def feedback(self) -> str:
        """Every counted finding, errors first, one per line: what the generator sends back to the model."""
        return "\n".join(finding.render() for finding in [*self.errors, *self.warnings])
