"""The scale-out commands: `nodegen worker` (a member of the workers' consumer group), `nodegen submit` (a fill run
sent to the workers, written locally) and `nodegen collect RUN_ID` (a submitted run finished later). They exit by the
README's table, as `nodegen fill` does; ``cli.py`` registers them."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from nodegen.cli_shell import ExitCode, exits_on_bad_input, finish_run

# Each command imports what it uses when it runs (the worker package brings asyncpg and aiokafka, the fill's view
# the orchestrator's models): `nodegen --help` and the other commands load none of it.
if TYPE_CHECKING:
    from nodegen.nodes.codegen_orchestrator.v1_0_0.models import ModelCodegenOrchestrationResult
    from nodegen.settings import NodegenSettings
    from nodegen.worker import ModelWorkerOptions, Submitter


async def _serve(options: ModelWorkerOptions) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    from nodegen.worker import Worker

    await Worker(options).run(stop)


@exits_on_bad_input
def worker(
    *,
    concurrency: Annotated[
        int | None, typer.Option("--concurrency", min=1, help="Model calls (and files) in flight at once.")
    ] = None,
    group: Annotated[str | None, typer.Option("--group", help="Consumer group (default: worker_group_id).")] = None,
    workdir: Annotated[
        Path | None, typer.Option("--workdir", help="The worker's own folder (default: a new temporary one).")
    ] = None,
) -> None:
    """Fill requests from the request topic as a member of the workers' consumer group, until SIGTERM.

    Needs kafka_bootstrap and a PostgreSQL database_url. Exit code 0 after a graceful stop, 2 on bad configuration.
    """
    from nodegen.application import prepare
    from nodegen.onex import EnumCoreErrorCode, ModelOnexError

    settings = prepare()
    if not settings.kafka_bootstrap or not (settings.database_url or "").startswith(("postgresql:", "postgres:")):
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.INVALID_CONFIGURATION,
            message="nodegen worker needs kafka_bootstrap (NODEGEN_KAFKA_BOOTSTRAP) and a PostgreSQL "
            "database_url (NODEGEN_DATABASE_URL=postgresql://...)",
        )
    root = (workdir or Path(tempfile.mkdtemp(prefix="nodegen-worker-"))).resolve()
    root.mkdir(parents=True, exist_ok=True)
    from nodegen.worker import ModelWorkerOptions

    options = ModelWorkerOptions(
        bootstrap=settings.kafka_bootstrap,
        database_url=str(settings.database_url),
        root=root,
        project_dir=Path.cwd(),
        overrides={"state_dir": str(Path(settings.state_dir).resolve())},
        group_id=group or settings.worker_group_id,
        concurrency=concurrency or settings.generation_concurrency,
        max_failures=settings.worker_max_failures,
        partitions=settings.worker_partitions,
        session_timeout_ms=settings.worker_session_timeout_ms,
        stop_grace_s=settings.worker_stop_grace_s,
    )
    os.chdir(root)  # request files sit here at the paths their prompts show, as on the submitting machine
    asyncio.run(_serve(options))


async def _collect(submitter: Submitter, run_id: str, *, quiet: bool, timeout_s: float | None) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    errors = Console(stderr=True)
    if quiet:
        return await submitter.collect(run_id, timeout_s=timeout_s)
    bar = Progress(
        TextColumn("[bold]workers[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=errors,
        transient=True,
    )
    task = bar.add_task("waiting for the workers", total=None)

    def progress(what: str, done: int, total: int) -> None:
        bar.update(task, completed=done, total=total, description=escape(what))

    with bar:
        return await submitter.collect(run_id, progress=progress, timeout_s=timeout_s)


async def _submit(
    settings: NodegenSettings, paths: list[Path], *, dry_run: bool, no_wait: bool, quiet: bool, timeout_s: float | None
) -> tuple[str, ModelCodegenOrchestrationResult | None]:
    from nodegen.worker import Submitter

    submitter = Submitter(settings)
    try:
        run = await submitter.submit(paths, dry_run=dry_run)
        if no_wait:
            return str(run.run_id), None
        return str(run.run_id), await _collect(submitter, str(run.run_id), quiet=quiet, timeout_s=timeout_s)
    finally:
        await submitter.aclose()


def on_workers(
    paths: list[Path],
    run_id: str | None,
    *,
    dry_run: bool = False,
    no_wait: bool = False,
    json_output: bool = False,
    timeout_s: float | None = None,
    local_only: Mapping[str, object] | None = None,
    **overrides: Any,
) -> NoReturn:
    """A fill on the workers, for `nodegen submit`, `nodegen collect` and `nodegen fill --submit/--collect`:
    ``paths`` sent as a new run (``run_id`` None) or the run ``run_id`` collected; exits by the README's table
    with `nodegen fill`'s output. ``local_only``: options of a local fill given with it (refused, exit 2): the
    commands that call it exit 2 on its ``ModelOnexError`` (``exits_on_bad_input``)."""
    from nodegen.application import prepare
    from nodegen.cli_views import show_fill
    from nodegen.onex import EnumCoreErrorCode, ModelOnexError

    given = sorted(name for name, value in (local_only or {}).items() if value not in (None, False))
    if given:
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.INVALID_CONFIGURATION,
            message=f"{', '.join(given)} cannot be used on the workers (--submit, --collect)",
        )
    if run_id is not None and (paths or no_wait):
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.INVALID_CONFIGURATION,
            message="--collect RUN_ID takes no paths and no --no-wait: its files were chosen when it was sent",
        )
    if run_id is None and not paths:
        raise ModelOnexError(
            error_code=EnumCoreErrorCode.INVALID_CONFIGURATION, message="give the files and folders to fill"
        )
    settings = prepare(**{key: value for key, value in overrides.items() if value is not None})
    if run_id is not None:
        result = asyncio.run(_collect_run(settings, run_id, quiet=json_output, timeout_s=timeout_s))
    else:
        run_id, result = asyncio.run(
            _submit(settings, paths, dry_run=dry_run, no_wait=no_wait, quiet=json_output, timeout_s=timeout_s)
        )
    if result is None:
        sys.stdout.write((json.dumps({"run_id": run_id}) if json_output else run_id) + "\n")
        if not json_output:
            Console(stderr=True).print(f"submitted; finish with: nodegen collect {run_id}")
        raise typer.Exit(ExitCode.OK)
    finish_run(result, json_output=json_output, view=show_fill)


@exits_on_bad_input
def submit(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders whose stubs to fill (folders recursively).")],
    *,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the unified diff; write nothing.")] = False,
    no_wait: Annotated[bool, typer.Option("--no-wait", help="Print the run id and return at once.")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    llm: Annotated[str | None, typer.Option("--llm", help="Provider string (default: the llm setting).")] = None,
    max_attempts: Annotated[int | None, typer.Option("--max-attempts", min=1, max=20, help="Tries per stub.")] = None,
    max_cost_usd: Annotated[
        float | None, typer.Option("--max-cost-usd", help="Stop new calls past this cost (across workers).")
    ] = None,
    max_tokens: Annotated[
        int | None, typer.Option("--max-tokens", min=1, help="Stop new calls past these tokens (across workers).")
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Ask the model again for unchanged prompts.")] = False,
    timeout: Annotated[
        float | None, typer.Option("--timeout", help="Stop waiting after this many seconds (collect later).")
    ] = None,
) -> None:
    """Fill stubs on the workers: one request per file, then each file written here as `nodegen fill` writes it.

    Same exit codes and JSON as `nodegen fill` (as `nodegen fill --submit`); with --no-wait, exit 0 once the run is
    sent (its id on stdout).
    """
    on_workers(
        paths,
        None,
        dry_run=dry_run,
        no_wait=no_wait,
        json_output=json_output,
        timeout_s=timeout,
        llm=llm,
        max_attempts=max_attempts,
        max_cost_usd=max_cost_usd,
        max_tokens=max_tokens,
        llm_cache=False if no_cache else None,
    )


async def _collect_run(settings: NodegenSettings, run_id: str, *, quiet: bool, timeout_s: float | None) -> Any:
    from nodegen.worker import Submitter

    submitter = Submitter(settings)
    try:
        return await _collect(submitter, run_id, quiet=quiet, timeout_s=timeout_s)
    finally:
        await submitter.aclose()


@exits_on_bad_input
def collect(
    run_id: Annotated[str, typer.Argument(help="The run id `nodegen submit --no-wait` printed.")],
    *,
    json_output: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    timeout: Annotated[float | None, typer.Option("--timeout", help="Stop waiting after this many seconds.")] = None,
) -> None:
    """Wait for a submitted run's results and write its files (each once); the result as `nodegen fill` gives it
    (as `nodegen fill --collect RUN_ID`)."""
    on_workers([], run_id, json_output=json_output, timeout_s=timeout)


__all__ = ["collect", "on_workers", "submit", "worker"]
