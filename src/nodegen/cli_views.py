"""What the ``nodegen`` commands print: progress on stderr, the fill, scaffold and metrics views (the stubs listing:
``cli_stubs``).

The views of a fill import the orchestrator's models when they are called (the orchestrator is loaded by then):
``stubs`` and ``check``, which use the progress bar and the notes only, load no workflow."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from nodegen.application import EnumPathNote, ModelPathNote

if TYPE_CHECKING:
    from workflows.events import Event

    from nodegen.nodes.codegen_metrics_reducer.v1_0_0.models import ModelCodegenMetrics
    from nodegen.nodes.codegen_orchestrator.v1_0_0.models import ModelCodegenOrchestrationResult, ModelScaffoldReport


def _bar(console: Console, *, redirect_stdout: bool = True, disable: bool = False) -> Progress:
    """A transient progress bar on ``console``: spinner, label, bar, done of total, time. With ``redirect_stdout``
    (and ``console`` a terminal), what is printed meanwhile on stdout passes above the bar, on ``console``;
    ``disable`` shows nothing."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        redirect_stdout=redirect_stdout,
        disable=disable,
    )


class FileProgress:
    """A transient bar over a scan's files on stderr, naming the file being read (a large one takes a while)."""

    def __init__(self, console: Console, label: str, *, redirect_stdout: bool = True, disable: bool = False) -> None:
        self.label = label
        self.progress = _bar(console, redirect_stdout=redirect_stdout, disable=disable)
        self.task = self.progress.add_task(label, total=None)

    def start(self, total: int) -> None:
        self.progress.update(self.task, total=total)

    def reading(self, path: Path) -> None:
        self.progress.update(self.task, description=f"{self.label} {escape(str(path))}")

    def done(self) -> None:
        self.progress.advance(self.task)


def render_notes(notes: list[ModelPathNote], errors: Console) -> None:
    for note in notes:
        color = "red" if note.kind is EnumPathNote.REFUSED else "yellow"
        errors.print(f"[{color}]{note.kind.value}[/{color}] {escape(note.path)}: {escape(note.message)}")


class FillProgress:
    """Live progress of a fill run on stderr: one bar over every stub, one line per finished stub."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress = _bar(console)
        self.task = self.progress.add_task("filling stubs", total=0)

    def __call__(self, event: Event) -> None:
        from nodegen.nodes.codegen_orchestrator.v1_0_0 import CodeValidatedEvent, StubsExtractedEvent

        if isinstance(event, StubsExtractedEvent) and event.stubs:
            self.progress.update(self.task, total=(self.progress.tasks[0].total or 0) + event.stubs)
        elif isinstance(event, CodeValidatedEvent):
            # validated, not yet written: the final table says what stands in the file
            mark = "[green]valid[/green]" if event.success else "[red]failed[/red]"
            attempts = f"{event.attempts} attempt{'s' if event.attempts != 1 else ''}"
            self.progress.console.print(
                f"{mark} {escape(event.file_path)} [bold]{escape(event.qualified_name)}[/bold] ({attempts})"
                + ("" if event.success else f": {escape(event.message)}")
            )
            self.progress.advance(self.task)


def render_fill(result: ModelCodegenOrchestrationResult, console: Console) -> None:
    from nodegen.nodes.codegen_orchestrator.v1_0_0.models import EnumStubStatus

    table = Table(title="nodegen fill")
    table.add_column("stub", overflow="fold")
    table.add_column("status")
    for column in ("attempts", "tokens", "cost $", "time s"):
        table.add_column(column, justify="right")
    for stub in result.stubs:
        color = {"filled": "green", "failed": "red"}.get(stub.status.value, "yellow")
        table.add_row(
            f"{escape(stub.file_path)}:{stub.line_number} [bold]{escape(stub.qualified_name)}[/bold]",
            f"[{color}]{stub.status.value}[/{color}]",
            str(stub.attempts),
            str(stub.prompt_tokens + stub.completion_tokens),
            "unknown" if stub.cost_usd is None else f"{stub.cost_usd:.4f}",
            f"{stub.duration_ms / 1000:.1f}",
        )
    if result.stubs:
        console.print(table)
    for stub in result.stubs:
        if stub.status is not EnumStubStatus.FILLED:
            note = stub.findings[0].render() if stub.findings else stub.message
            console.print(f"[red]{stub.status.value}[/red] {escape(stub.qualified_name)}: {escape(note)}")
    for file in result.files:
        if file.error:
            console.print(f"[red]error[/red] {escape(file.file_path)}: {escape(file.error)}")
    render_notes(result.skipped_paths, console)
    cost = "unknown (a model's price is not known)" if result.cost_usd is None else f"${result.cost_usd:.4f}"
    console.print(
        f"{result.count(EnumStubStatus.FILLED)} filled, {result.count(EnumStubStatus.FAILED)} failed, "
        f"{result.count(EnumStubStatus.SKIPPED)} skipped; {result.prompt_tokens + result.completion_tokens} tokens, "
        f"cost {cost}, {result.total_duration_seconds:.1f} s"
        + (" (dry run: nothing written)" if result.dry_run else f"; {len(result.modified_files)} file(s) changed")
        + (f"; {escape(result.budget_exhausted)}" if result.budget_exhausted else "")
    )


def show_fill(result: ModelCodegenOrchestrationResult) -> None:
    """What a fill prints (``fill``, ``submit``, ``collect``): the table on stdout; a dry run's diffs on stdout and
    its table on stderr."""
    if not result.dry_run:
        render_fill(result, Console())
        return
    for file in result.files:
        if file.diff:
            sys.stdout.write(file.diff if file.diff.endswith("\n") else file.diff + "\n")
    render_fill(result, Console(stderr=True))


def _render_spec_stage(report: ModelScaffoldReport, console: Console) -> None:
    """Where the spec came from; the spec itself (--spec-only), or why none passed the checks."""
    from nodegen.nodes.codegen_scaffold_compute.v1_0_0 import dump_spec

    stage = report.spec_stage
    if stage.written_by == "file":
        console.print(f"spec: {escape(stage.spec_path or '')} (given; no model wrote it)")
    elif stage.written_by == "keywords":
        console.print(f"[yellow]spec[/yellow]: {escape(stage.note)}")
    else:
        console.print(
            f"spec: written by {escape(stage.written_by)}: {stage.valid} of {stage.samples} sample(s) passed the "
            f"checks, {stage.calls} call(s), {stage.seconds:.1f} s"
        )
    if stage.implementations:
        proven = [f"{name} ({count})" for name, count in stage.proven.items() if count]
        console.print(
            f"  outputs checked by {stage.implementations} implementation(s) per operation: "
            f"{len(stage.outputs_changed)} corrected; giving every example (the fill tries them first): "
            f"{escape(', '.join(proven)) if proven else 'none'}"
        )
        for change in stage.outputs_changed[:10]:
            console.print(f"  {escape(change)}")
    if report.spec is None:
        if stage.draft_path:
            console.print(
                f"[red]no node spec passed the checks[/red]; the closest draft is {escape(stage.draft_path)}: complete "
                f"it, then `nodegen new --spec {escape(stage.draft_path)}`"
            )
        for problem in stage.problems[:10]:
            console.print(f"  {escape(problem)}")
    elif report.package_dir is None:  # --spec-only
        path = escape(stage.spec_path or "")
        console.print(escape(dump_spec(report.spec)), highlight=False)
        console.print(f"wrote {path}: review it (derived examples first), then `nodegen new --spec {path}`")


def render_new(result: ModelCodegenOrchestrationResult, console: Console) -> None:
    """What ``nodegen new`` made: the spec, the package, its files, the fill, the check, the tests, what failed."""
    report = result.scaffold
    if report is None:
        render_fill(result, console)
        return
    _render_spec_stage(report, console)
    if report.spec is None or report.package_dir is None:
        return
    console.print(f"[bold]{escape(report.package_dir)}[/bold] ({report.spec.class_name})")
    for path in result.generated_files:
        console.print(f"  wrote {escape(path)}")
    render_fill(result, console)
    check = "passed" if not report.check_errors else f"{len(report.check_errors)} error(s)"
    console.print(f"check: {check}, {report.check_warnings} warning(s)")
    for line in report.check_errors[:10]:
        console.print(f"  {escape(line)}")
    if report.tests is not None:
        verdict = "[green]passed[/green]" if report.tests.passed else "[red]failed[/red]"
        repair = (
            " after one repair" if report.repaired else (" (a repair was tried)" if report.repair_attempted else "")
        )
        console.print(f"tests: {verdict}{repair}")
        if not report.tests.passed and not report.failures:
            console.print(escape("\n".join(report.tests.output_tail.splitlines()[-15:])))
    for failure in report.failures[:20]:
        console.print(f"  [red]failed[/red] {escape(failure)}")


def render_metrics(result: ModelCodegenMetrics, console: Console) -> None:
    """The aggregated metrics as one line and a table by model."""
    cost = "unknown" if result.cost_usd is None else f"${result.cost_usd:.4f}"
    console.print(
        f"{result.runs} run(s), {result.stubs_total} stub(s): {result.stubs_filled} filled, {result.stubs_failed} "
        f"failed (success rate {result.success_rate:.0%}); {result.attempts_total} attempts "
        f"({result.attempts_per_stub:.2f} per stub); {result.total_tokens} tokens; cost {cost}; latency p50 "
        f"{result.duration_p50_ms:.0f} ms, p95 {result.duration_p95_ms:.0f} ms, p99 {result.duration_p99_ms:.0f} ms"
    )
    if result.by_model:
        table = Table(title="by model")
        for column in ("model", "attempts", "valid", "stubs filled", "tokens", "cost $", "p50 ms"):
            table.add_column(column)
        for name, group in result.by_model.items():
            table.add_row(
                escape(name),
                str(group.attempts),
                str(group.valid_attempts),
                str(group.stubs_filled),
                str(group.prompt_tokens + group.completion_tokens),
                f"{group.cost_usd:.4f}" + ("+?" if group.unpriced_attempts else ""),
                f"{group.latency_p50_ms:.0f}",
            )
        console.print(table)


__all__ = [
    "FileProgress",
    "FillProgress",
    "render_fill",
    "render_metrics",
    "render_new",
    "render_notes",
    "show_fill",
]
