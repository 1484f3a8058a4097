"""The ``nodegen`` command: parse arguments, call node entry points, render the results. No logic of its own."""

from __future__ import annotations

import asyncio
import json
import sys
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel, Field
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from nodegen import __version__
from nodegen.infra.source_files import discover_python_files, read_source
from nodegen.nodes.codegen_code_validator_effect.v1_0_0 import NodeCodegenCodeValidatorEffect
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0 import NodeCodegenStubExtractorEffect
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.models import ModelMethodStub
from nodegen.onex import ModelContractEffect, ModelOnexError, configure_logging
from nodegen.reports import ModelCheckReport, ModelFileCheck, sarif_report, text_report
from nodegen.settings import build_container, load_settings

app = typer.Typer(
    name="nodegen",
    help="Fill the stubs of Python (ONEX) node files with validated, LLM-written code.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class ExitCode(IntEnum):
    """Exit codes of ``nodegen stubs``."""

    NONE_FOUND = 0
    FOUND = 1
    ERROR = 2


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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"nodegen {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """nodegen: a node-based code generator for Python."""


async def _scan(paths: list[Path], overrides: dict[str, Any]) -> ModelStubsReport:
    settings = load_settings()
    configure_logging(settings.log_level)
    extractor = NodeCodegenStubExtractorEffect(build_container(settings))
    files: list[ModelFileStubs] = []
    for path in discover_python_files(paths):
        try:
            source = read_source(path)
            if not source.strip():  # an empty module is valid Python with nothing to fill
                files.append(ModelFileStubs(path=str(path)))
                continue
            result = await extractor.execute_effect(
                ModelContractEffect(input_state={"node_file_content": source, "file_path": str(path), **overrides})
            )
        except ModelOnexError as error:
            files.append(ModelFileStubs(path=str(path), error=error.message, error_code=error.error_code.value))
            continue
        files.append(ModelFileStubs(path=str(path), stubs=result.stubs))
    return ModelStubsReport(
        files=files,
        files_scanned=len(files),
        total_stubs=sum(len(item.stubs) for item in files),
        errors=sum(1 for item in files if item.error is not None),
    )


def _render(report: ModelStubsReport, console: Console, errors: Console) -> None:
    for item in report.files:
        if item.error is not None:
            errors.print(f"[red]error[/red] {escape(item.path)}: {escape(item.error)}")
    with_stubs = [item for item in report.files if item.stubs]
    for item in with_stubs:
        console.print(f"[bold]{escape(item.path)}[/bold]")
        table = Table(box=None, show_header=False, padding=(0, 2, 0, 2))
        table.add_column("line", justify="right", style="cyan", no_wrap=True)
        table.add_column("stub", min_width=min(60, max(len(stub.qualified_name) for stub in item.stubs)))
        table.add_column("note", overflow="fold", style="dim")
        for stub in item.stubs:
            table.add_row(str(stub.line_number), escape(stub.qualified_name), escape(stub.marker_note or ""))
        console.print(table)
    found = (
        f"{report.total_stubs} stub(s) in {len(with_stubs)} of {report.files_scanned} file(s) scanned"
        if report.total_stubs
        else f"No stubs found in {report.files_scanned} file(s) scanned"
    )
    console.print(found + (f"; {report.errors} could not be read" if report.errors else "") + ".")


@app.command()
def stubs(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders to scan (folders recursively).")],
    json_output: Annotated[bool, typer.Option("--json", help="Print a JSON report instead of a table.")] = False,
    pattern: Annotated[
        list[str] | None,
        typer.Option("--pattern", "-p", help="A stub marker (repeatable); default: the configured markers."),
    ] = None,
    include_not_implemented: Annotated[
        bool | None,
        typer.Option(
            "--include-not-implemented/--marked-only",
            help="Also list unmarked bodies that only raise NotImplementedError.",
        ),
    ] = None,
) -> None:
    """List the stubs of Python files: exit 0 when there are none, 1 when some were found, 2 on an error.

    Folders are walked recursively, skipping .git, virtual environments, caches and what .gitignore excludes.
    """
    overrides: dict[str, Any] = {}
    if pattern:
        overrides["extraction_patterns"] = pattern
    if include_not_implemented is not None:
        overrides["include_not_implemented"] = include_not_implemented
    errors = Console(stderr=True)
    try:
        report = asyncio.run(_scan(paths, overrides))
    except ModelOnexError as error:
        errors.print(f"[red]error[/red] {escape(error.message)}")
        raise typer.Exit(ExitCode.ERROR) from error
    if json_output:
        sys.stdout.write(json.dumps(report.model_dump(mode="json"), indent=2) + "\n")
    else:
        _render(report, Console(), errors)
    if report.errors:
        raise typer.Exit(ExitCode.ERROR)
    raise typer.Exit(ExitCode.FOUND if report.total_stubs else ExitCode.NONE_FOUND)


class OutputFormat(StrEnum):
    """Output formats of ``nodegen check``."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"


def _codes(values: list[str] | None) -> list[str]:
    return [code.strip() for value in values or [] for code in value.split(",") if code.strip()]


async def _check(paths: list[Path], overrides: dict[str, Any], input_extra: dict[str, Any]) -> ModelCheckReport:
    settings = load_settings()
    configure_logging(settings.log_level)
    validator = NodeCodegenCodeValidatorEffect(build_container(settings, **overrides))
    files: list[ModelFileCheck] = []
    for path in discover_python_files(paths):
        try:
            source = read_source(path)
            if not source.strip():
                files.append(ModelFileCheck(path=str(path)))
                continue
            result = await validator.execute_effect(
                ModelContractEffect(input_state={"generated_code": source, "file_path": str(path), **input_extra})
            )
        except ModelOnexError as error:
            files.append(ModelFileCheck(path=str(path), failure=error.message))
            continue
        files.append(ModelFileCheck(path=str(path), errors=result.errors, warnings=result.warnings))
    return ModelCheckReport(
        files=files,
        total_errors=sum(len(item.errors) for item in files),
        total_warnings=sum(len(item.warnings) for item in files),
        files_checked=len(files),
    )


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders to check (folders recursively).")],
    *,
    output_format: Annotated[OutputFormat, typer.Option("--format", help="text, json, or sarif (SARIF 2.1.0).")] = (
        OutputFormat.TEXT
    ),
    select: Annotated[
        list[str] | None, typer.Option("--select", help="Report only these codes or prefixes (comma-separated).")
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option("--ignore", help="Never report these codes or prefixes (comma-separated).")
    ] = None,
    rules: Annotated[
        list[str] | None, typer.Option("--rules", help="Rule families to run (default all), comma-separated.")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too.")] = False,
) -> None:
    """Check Python files and node packages: syntax, names, type hints, security, ONEX rules, quality.

    Exit code 1 when any error is found (or a file cannot be checked), 0 otherwise.
    """
    overrides: dict[str, Any] = {}
    if select:
        overrides["validation_select"] = _codes(select)
    if ignore:
        overrides["validation_ignore"] = _codes(ignore)
    input_extra: dict[str, Any] = {"strict_mode": strict}
    if rules:
        input_extra["validation_rules"] = _codes(rules)
    errors = Console(stderr=True)
    try:
        report = asyncio.run(_check(paths, overrides, input_extra))
    except ModelOnexError as error:
        errors.print(f"[red]error[/red] {escape(error.message)}")
        raise typer.Exit(ExitCode.ERROR) from error
    if output_format is OutputFormat.JSON:
        sys.stdout.write(json.dumps(report.model_dump(mode="json"), indent=2) + "\n")
    elif output_format is OutputFormat.SARIF:
        sys.stdout.write(json.dumps(sarif_report(report), indent=2) + "\n")
    else:
        sys.stdout.write(text_report(report))
    failed = report.failed or (strict and report.total_warnings > 0)
    raise typer.Exit(1 if failed else 0)


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["ExitCode", "OutputFormat", "app", "main"]
