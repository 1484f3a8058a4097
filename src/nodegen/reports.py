"""The reports of ``nodegen stubs`` and ``nodegen check``, and the rendering of validation results for people
(text), machines (JSON) and code-scanning tools (SARIF 2.1.0)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from nodegen import __version__
from nodegen.infra.source_files import ModelPathNote
from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import (
    EnumFindingSeverity,
    ModelValidationFinding,
)
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.models import ModelMethodStub

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


class ModelFileStubs(BaseModel):
    """The stubs of one file, or why it could not be read."""

    path: str
    stubs: list[ModelMethodStub] = Field(default_factory=list)
    error: str | None = None
    error_code: str | None = None


class ModelStubsReport(BaseModel):
    """What ``nodegen stubs --json`` prints."""

    files: list[ModelFileStubs]
    files_scanned: int
    total_stubs: int
    errors: int
    skipped: list[ModelPathNote] = Field(default_factory=list, description="Paths met on the walk and left out")


class ModelStubsSummary(BaseModel):
    """The totals of a ``nodegen stubs`` run, counted as its files are listed (the report's totals, without its
    files; ``files_with_stubs`` for the table's last line)."""

    files_scanned: int = 0
    files_with_stubs: int = 0
    total_stubs: int = 0
    errors: int = 0
    skipped: list[ModelPathNote] = Field(default_factory=list, description="Paths met on the walk and left out")


class ModelFileCheck(BaseModel):
    """The findings of one file, or why it could not be checked."""

    path: str
    errors: list[ModelValidationFinding] = Field(default_factory=list)
    warnings: list[ModelValidationFinding] = Field(default_factory=list)
    failure: str | None = None
    parsed: bool = Field(default=True, description="The file parses as Python (False: bad input, not a finding)")


class ModelCheckReport(BaseModel):
    """What ``nodegen check`` found in every file."""

    files: list[ModelFileCheck]
    total_errors: int
    total_warnings: int
    files_checked: int

    @property
    def failed(self) -> bool:
        """Any error, or any file that could not be checked."""
        return self.total_errors > 0 or any(item.failure for item in self.files)


def text_report(report: ModelCheckReport) -> str:
    """Findings grouped by file, each with its source line and the fix."""
    out: list[str] = []
    for item in report.files:
        if item.failure:
            out += [item.path, f"  error  {item.failure}", ""]
            continue
        findings = sorted([*item.errors, *item.warnings], key=lambda f: (f.line or 0, f.column or 0))
        if not findings:
            continue
        out.append(item.path)
        for finding in findings:
            where = f"{finding.line or '-'}:{finding.column or '-'}"
            out.append(f"  {where:<8} {finding.severity.value:<7} {finding.code:<8} {finding.message}")
            if finding.snippet is not None:
                out.append(f"  {'':<8} | {finding.snippet.strip()}")
            if finding.suggested_fix:
                out.append(f"  {'':<8} fix: {finding.suggested_fix}")
        out.append("")
    unread = sum(1 for item in report.files if item.failure)
    checked = report.files_checked - unread
    summary = f"{report.total_errors} error(s), {report.total_warnings} warning(s) in {checked} file(s)"
    out.append(summary + (f"; {unread} file(s) could not be checked (above)." if unread else "."))
    return "\n".join(out) + "\n"


def sarif_report(report: ModelCheckReport) -> dict[str, object]:
    """The report as a SARIF 2.1.0 log (one run, one rule per finding code)."""
    rules: dict[str, dict[str, object]] = {}
    results: list[dict[str, object]] = []
    for item in report.files:
        for finding in [*item.errors, *item.warnings]:
            rules.setdefault(
                finding.code,
                {
                    "id": finding.code,
                    "name": finding.rule.value,
                    "shortDescription": {"text": f"{finding.rule.value} rule {finding.code}"},
                },
            )
            region: dict[str, int] = {}
            if finding.line:
                region["startLine"] = finding.line
            if finding.column:
                region["startColumn"] = finding.column
            location: dict[str, object] = {"artifactLocation": {"uri": item.path}}
            if region:
                location["region"] = region
            message = finding.message + (f". Fix: {finding.suggested_fix}" if finding.suggested_fix else "")
            results.append(
                {
                    "ruleId": finding.code,
                    "level": "error" if finding.severity is EnumFindingSeverity.ERROR else "warning",
                    "message": {"text": message},
                    "locations": [{"physicalLocation": location}],
                }
            )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "nodegen", "version": __version__, "rules": list(rules.values())}},
                "results": results,
            }
        ],
    }


__all__ = [
    "ModelCheckReport",
    "ModelFileCheck",
    "ModelFileStubs",
    "ModelStubsReport",
    "ModelStubsSummary",
    "sarif_report",
    "text_report",
]
