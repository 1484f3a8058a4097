"""What ``nodegen stubs`` prints, a file at a time as the listing gives them: the table, or the JSON report.

Both write each stub as it is described and keep none: on a file of 100,000 stubs the table is printed in tables of
``ROWS_PER_TABLE`` rows, and the JSON report is written piece by piece, byte for byte what
``json.dumps(report.model_dump(mode="json"), indent=2)`` gives for the whole report (``ModelStubsReport``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from itertools import islice
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from nodegen.application import EnumPathNote, StubsFile, StubsListing
from nodegen.cli_views import render_notes
from nodegen.reports import ModelFileStubs, ModelStubsReport, ModelStubsSummary

ROWS_PER_TABLE = 1_000
_INDENT = 2
_NAME_WIDTH = 60  # the stub column is at least as wide as the longest name, up to this


def _table(line_width: int, name_width: int) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 2))
    table.add_column("line", justify="right", style="cyan", no_wrap=True, min_width=line_width)
    table.add_column("stub", min_width=name_width)
    table.add_column("note", overflow="fold", style="dim")
    return table


def _print_file(item: StubsFile, console: Console) -> None:
    """The file's name and its stubs, ``ROWS_PER_TABLE`` at a time; the columns only widen from one to the next."""
    line_width = name_width = 0
    while chunk := list(islice(item.stubs, ROWS_PER_TABLE)):
        if not line_width:
            console.print(f"[bold]{escape(item.path)}[/bold]")
        line_width = max(line_width, *(len(str(stub.line_number)) for stub in chunk))
        name_width = max(name_width, min(_NAME_WIDTH, max(len(stub.qualified_name) for stub in chunk)))
        table = _table(line_width, name_width)
        for stub in chunk:
            table.add_row(str(stub.line_number), escape(stub.qualified_name), escape(stub.marker_note or ""))
        console.print(table)


async def render_stubs(listing: StubsListing, console: Console, errors: Console) -> ModelStubsSummary:
    """The table: notes and unreadable files on ``errors``, each file's stubs and the totals on ``console``."""
    summary = listing.summary
    render_notes(summary.skipped, errors)
    async for item in listing.files():
        if item.error is not None:
            errors.print(f"[red]error[/red] {escape(item.path)}: {escape(item.error)}")
        else:
            _print_file(item, console)
    found = (
        f"{summary.total_stubs} stub(s) in {summary.files_with_stubs} of {summary.files_scanned} file(s) scanned"
        if summary.total_stubs
        else f"No stubs found in {summary.files_scanned} file(s) scanned"
    )
    left_out = sum(1 for note in summary.skipped if note.kind is EnumPathNote.REFUSED)
    console.print(
        found
        + (f"; {summary.errors} could not be read" if summary.errors else "")
        + (f"; {left_out} refused" if left_out else "")
        + "."
    )
    return summary


def _encoded(value: object, level: int) -> str:
    """``value`` as ``json.dumps(indent=2)`` writes it ``level`` deep in a document (strings hold no raw newline)."""
    return json.dumps(value, indent=_INDENT).replace("\n", "\n" + " " * (_INDENT * level))


def _write_array(out: TextIO, items: Iterable[str], level: int) -> None:
    """A JSON array ``level`` deep whose items come encoded ``level + 1`` deep."""
    inner = "\n" + " " * (_INDENT * (level + 1))
    opened = False
    for item in items:
        out.write(("," if opened else "[") + inner + item)
        opened = True
    out.write("\n" + " " * (_INDENT * level) + "]" if opened else "[]")


def _write_file(out: TextIO, item: StubsFile, level: int) -> None:
    """One entry of the report's files, ``level`` deep, its stubs written as they are described."""
    fields = ModelFileStubs(path=item.path, error=item.error, error_code=item.error_code).model_dump(mode="json")
    inner = "\n" + " " * (_INDENT * (level + 1))
    out.write("{")
    for number, (key, value) in enumerate(fields.items()):
        out.write(("," if number else "") + inner + json.dumps(key) + ": ")
        if key == "stubs":
            stubs = (_encoded(stub.model_dump(mode="json"), level + 2) for stub in item.stubs)
            _write_array(out, stubs, level + 1)
        else:
            out.write(_encoded(value, level + 1))
    out.write("\n" + " " * (_INDENT * level) + "}")


async def write_stubs_json(listing: StubsListing, out: TextIO) -> ModelStubsSummary:
    """The JSON report on ``out``, a stub at a time; its files first, then the totals (``ModelStubsReport``)."""
    out.write('{\n  "files": ')
    opened = False
    async for item in listing.files():
        out.write(("," if opened else "[") + "\n    ")
        opened = True
        _write_file(out, item, 2)
    out.write("\n  ]" if opened else "[]")
    summary = listing.summary
    totals = ModelStubsReport(
        files=[],
        files_scanned=summary.files_scanned,
        total_stubs=summary.total_stubs,
        errors=summary.errors,
        skipped=summary.skipped,
    ).model_dump(mode="json")
    del totals["files"]  # the first field, written above
    for key, value in totals.items():
        out.write(",\n  " + json.dumps(key) + ": " + _encoded(value, 1))
    out.write("\n}\n")
    return summary


__all__ = ["ROWS_PER_TABLE", "render_stubs", "write_stubs_json"]
