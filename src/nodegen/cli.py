"""The ``nodegen`` command: parse arguments into the typed requests of ``nodegen.application`` (the orchestration
request for ``fill`` and ``new``), render what comes back (``cli_views``) and exit by the README's table. It walks no
folder, reads no file and builds no node, store or provider itself.

A command imports what it uses when it runs: loading this module (and ``--help``) costs typer and rich, ``stubs``
and ``check`` load no provider SDK; ``fill`` and ``new`` load the orchestrator and their provider (the worker
commands: the worker package)."""

from __future__ import annotations

import asyncio
import gc
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from nodegen import __version__
from nodegen.cli_shell import ExitCode, exit_status, exits_on_bad_input, finish_run
from nodegen.cli_worker import collect, on_workers, submit, worker

if TYPE_CHECKING:
    from nodegen.application import ModelCheckRun
    from nodegen.nodes.codegen_orchestrator.v1_0_0.models import (
        ModelCodegenOrchestrationRequest,
        ModelCodegenOrchestrationResult,
    )
    from nodegen.reports import ModelStubsSummary

app = typer.Typer(
    name="nodegen",
    help="Fill the stubs of Python (ONEX) node files with validated, LLM-written code.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)




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


def _stubs_exit(summary: ModelStubsSummary) -> ExitCode:
    from nodegen.application import EnumPathNote

    refused = any(note.kind is EnumPathNote.REFUSED for note in summary.skipped)
    return exit_status(bad_input=summary.errors > 0, not_done=summary.total_stubs > 0 or refused)


@app.command()
@exits_on_bad_input
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
    """List the stubs of Python files: exit 0 when there are none, 1 when some are left to fill (or a path was
    refused), 2 on bad input (a file that does not parse or is too large, a missing path, a FIFO, bad settings).

    Folders are walked recursively, skipping .git, virtual environments, caches and what .gitignore excludes.
    """
    from nodegen.application import ModelStubsRequest, list_stubs
    from nodegen.cli_stubs import render_stubs, write_stubs_json
    from nodegen.cli_views import FileProgress

    request = ModelStubsRequest(paths=paths, patterns=pattern or None, include_not_implemented=include_not_implemented)
    errors = Console(stderr=True)
    # each stub is printed as it is found: a table on a terminal passes above the bar; piped, output goes to stdout
    # untouched; JSON on a terminal has no bar (passed above it, its long lines would be wrapped)
    terminal = sys.stdout.isatty()
    progress = FileProgress(errors, "scanning", redirect_stdout=terminal, disable=terminal and json_output)
    with progress.progress:  # sys.stdout is read inside: the bar may stand in for it
        listing = list_stubs(request, progress)
        if json_output:
            summary = asyncio.run(write_stubs_json(listing, sys.stdout))
        else:
            summary = asyncio.run(render_stubs(listing, Console(), errors))
    raise typer.Exit(_stubs_exit(summary))


class OutputFormat(StrEnum):
    """Output formats of ``nodegen check``."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"


def _codes(values: list[str] | None) -> list[str]:
    return [code.strip() for value in values or [] for code in value.split(",") if code.strip()]


def _check_exit(run: ModelCheckRun, *, strict: bool) -> ExitCode:
    report = run.report
    return exit_status(
        bad_input=any(item.failure or not item.parsed for item in report.files),  # a file that does not parse
        not_done=report.failed or run.refused or (strict and report.total_warnings > 0),
    )


@app.command()
@exits_on_bad_input
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

    Exit code 0 when clean, 1 when any error is found (or a path was refused), 2 on bad input (a file that does
    not parse, cannot be read or is too large, a missing path, a FIFO, bad settings).
    """
    from nodegen.application import ModelCheckRequest, check_files
    from nodegen.cli_views import FileProgress, render_notes
    from nodegen.reports import sarif_report, text_report

    request = ModelCheckRequest(
        paths=paths, select=_codes(select), ignore=_codes(ignore), rules=_codes(rules), strict=strict
    )
    errors = Console(stderr=True)
    progress = FileProgress(errors, "checking")
    with progress.progress:
        run = asyncio.run(check_files(request, progress))
    report = run.report
    render_notes(run.skipped, errors)
    if output_format is OutputFormat.JSON:
        sys.stdout.write(json.dumps(report.model_dump(mode="json"), indent=2) + "\n")
    elif output_format is OutputFormat.SARIF:
        sys.stdout.write(json.dumps(sarif_report(report), indent=2) + "\n")
    else:
        sys.stdout.write(text_report(report))
    raise typer.Exit(_check_exit(run, strict=strict))


def _orchestrate(
    request: ModelCodegenOrchestrationRequest, *, quiet: bool, **overrides: Any
) -> ModelCodegenOrchestrationResult:
    """Run the orchestrator once for ``nodegen fill`` or ``nodegen new``: the tiny-model note and live progress on
    stderr (unless ``quiet``)."""
    from nodegen.application import orchestrate, prepare, run_provider
    from nodegen.cli_views import FillProgress

    errors = Console(stderr=True)
    settings = prepare(**overrides)
    request, note = run_provider(request, settings)
    if note and not quiet:
        errors.print(f"[yellow]note[/yellow]: {note}.")
    if quiet:
        return asyncio.run(orchestrate(request, settings))
    progress = FillProgress(errors)
    with progress.progress:
        return asyncio.run(orchestrate(request, settings, progress))


def _request(**fields: Any) -> ModelCodegenOrchestrationRequest:
    """The orchestration request of ``fill`` or ``new``; one that does not validate is bad input, with the reason."""
    from pydantic import ValidationError

    from nodegen.nodes.codegen_orchestrator.v1_0_0.models import ModelCodegenOrchestrationRequest
    from nodegen.onex import EnumCoreErrorCode, ModelOnexError

    try:
        return ModelCodegenOrchestrationRequest(**fields)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, item['loc']))}: {item['msg']}" for item in error.errors())
        raise ModelOnexError(error_code=EnumCoreErrorCode.INVALID_INPUT, message=problems) from error


@app.command()
@exits_on_bad_input
def fill(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files and folders whose stubs to fill (folders recursively).")
    ] = None,
    *,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the unified diff; write nothing.")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    llm: Annotated[
        str | None,
        typer.Option("--llm", help="openai:MODEL, ollama:MODEL, anthropic:MODEL, local, gguf:PATH, replay:FILE"),
    ] = None,
    max_attempts: Annotated[int | None, typer.Option("--max-attempts", min=1, max=20, help="Tries per stub.")] = None,
    concurrency: Annotated[int | None, typer.Option("--concurrency", min=1, help="Calls in flight at once.")] = None,
    max_cost_usd: Annotated[float | None, typer.Option("--max-cost-usd", help="Stop new calls past this cost.")] = None,
    max_tokens: Annotated[
        int | None, typer.Option("--max-tokens", min=1, help="Stop new calls past these tokens.")
    ] = None,
    output_directory: Annotated[
        Path | None, typer.Option("--output-directory", "-o", help="Write filled files here instead of in place.")
    ] = None,
    record: Annotated[
        Path | None, typer.Option("--record", help="Also append every answer to this replay file.")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Ask the model again even for unchanged prompts.")
    ] = False,
    submit: Annotated[bool, typer.Option("--submit", help="Fill on the workers (`nodegen worker`).")] = False,
    no_wait: Annotated[bool, typer.Option("--no-wait", help="With --submit: print the run id, return.")] = False,
    collect: Annotated[str | None, typer.Option("--collect", help="Finish a run sent with --no-wait.")] = None,
    timeout: Annotated[float | None, typer.Option("--timeout", help="Stop waiting for the workers (s).")] = None,
) -> None:
    """Fill every stub under PATHS with generated code that passed validation; nothing else in the files changes.

    Exit code 0 when every stub was filled (or there were none), 1 when any failed or was refused, 2 on bad input
    (a file that does not parse or is too large, a missing path, a FIFO) or configuration.
    """
    from nodegen.cli_views import show_fill

    if submit or no_wait or collect is not None:  # nodegen submit / collect: the same run, on the workers
        local_only = {"--concurrency": concurrency, "--output-directory": output_directory, "--record": record}
        limits = {"max_attempts": max_attempts, "max_cost_usd": max_cost_usd, "max_tokens": max_tokens}
        on_workers(
            paths or [], collect, dry_run=dry_run, no_wait=no_wait, json_output=json_output, timeout_s=timeout,
            local_only=local_only, llm=llm, llm_cache=False if no_cache else None, **limits,
        )  # fmt: skip
    overrides: dict[str, Any] = {}
    if record is not None:
        overrides["llm_record"] = str(record)
    if no_cache:
        overrides["llm_cache"] = False
    request = _request(
        files=[str(path) for path in paths or []],
        dry_run=dry_run,
        llm=llm,
        max_attempts=max_attempts,
        concurrency=concurrency,
        max_cost_usd=max_cost_usd,
        max_tokens=max_tokens,
        output_directory=str(output_directory) if output_directory else None,
    )
    result = _orchestrate(request, quiet=json_output, **overrides)
    finish_run(result, json_output=json_output, view=show_fill)


@app.command()
@exits_on_bad_input
def new(
    prompt: Annotated[
        str | None,
        typer.Argument(
            help='The node to make: its kind, request and response fields, rules, e.g. "A compute node ..."'
        ),
    ] = None,
    *,
    spec: Annotated[Path | None, typer.Option("--spec", help="Build from this node spec (YAML), no model.")] = None,
    spec_only: Annotated[bool, typer.Option("--spec-only", help="Write the node spec and stop (review it).")] = False,
    out: Annotated[Path, typer.Option("--out", help="The folder the package goes in.")] = Path(),
    node_type: Annotated[
        str | None, typer.Option("--type", help="effect, compute, reducer or orchestrator (default: from the prompt).")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="PascalCase name (default: from the prompt).")] = None,
    llm: Annotated[str | None, typer.Option("--llm", help="Provider (default: llm when set, else new_llm).")] = None,
    framework: Annotated[str, typer.Option("--framework", help="What the node imports: nodegen.")] = "nodegen",
    force: Annotated[bool, typer.Option("--force", help="Replace an existing package of the same name.")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    max_attempts: Annotated[int | None, typer.Option("--max-attempts", min=1, max=20, help="Tries per stub.")] = None,
) -> None:
    """Make a node package from PROMPT (or --spec FILE): the model writes a node spec with executable examples,
    nodegen renders the package from it, fills every operation and proves it by the spec's examples.

    Exit code 0 when every operation is filled and the package's tests pass (--spec-only: the spec passed its
    checks), 1 otherwise (the spec and package stay, for `nodegen fill` or an edited spec), 2 on bad input.
    """
    from nodegen.cli_views import render_new

    request = _request(
        prompt=prompt,
        spec_path=str(spec) if spec is not None else None,
        spec_only=spec_only,
        output_directory=str(out),
        node_type=node_type,
        name=name,
        llm=llm,
        framework=framework,
        force=force,
        max_attempts=max_attempts,
    )
    result = _orchestrate(request, quiet=json_output)
    finish_run(result, json_output=json_output, view=lambda run: render_new(run, Console()))


@app.command()
@exits_on_bad_input
def metrics(
    json_output: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON.")] = False,
    since: Annotated[str | None, typer.Option("--since", help="Only attempts from this ISO time on.")] = None,
) -> None:
    """Aggregated metrics of every generation attempt in the store (SQLite or PostgreSQL).

    Exit code 0 (an empty store too), 2 when the settings or the store cannot be used.
    """
    from nodegen.application import aggregate_metrics
    from nodegen.cli_views import render_metrics

    result = asyncio.run(aggregate_metrics(since))
    if json_output:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
        return
    render_metrics(result, Console())


app.command()(worker)  # the scale-out commands (cli_worker)
app.command()(submit)
app.command()(collect)


def main() -> None:
    """Console-script entry point."""
    # What is imported lives as long as the process: freezing it keeps every later full collection from walking it
    # again (measured: parsing a 10,000-line file 250 ms -> 75 ms with every module loaded). The commands import
    # their nodes when they run, and those are frozen as they load (nodegen.lazy).
    gc.freeze()
    app()


__all__ = ["ExitCode", "OutputFormat", "app", "main"]
