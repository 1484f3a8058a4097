"""The shell every ``nodegen`` command runs in, worker commands included: the README's exit-code table, the one way a
command fails on bad input (the error on stderr, exit 2), and the end of a run of the orchestrator (``fill``,
``new``, ``submit``, ``collect``): its JSON or its view, then the exit code.

It imports no node, store or provider (the types of results are annotations only) and not the ONEX runtime until a
command runs: loading it costs typer and rich.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from enum import IntEnum
from typing import TYPE_CHECKING, NoReturn, ParamSpec

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from nodegen.nodes.codegen_orchestrator.v1_0_0.models import ModelCodegenOrchestrationResult

_P = ParamSpec("_P")


class ExitCode(IntEnum):
    """The exit codes of every command (the README's table): the highest that applies wins."""

    OK = 0  # everything filled, clean, or nothing to do
    NOT_DONE = 1  # something refused or failed; `stubs`: stubs left to fill; `check`: errors found
    BAD_INPUT = 2  # bad input or configuration: a path, a file nodegen cannot take, a setting, an argument


def exit_status(*, bad_input: bool = False, not_done: bool = False) -> ExitCode:
    """The code of a command's outcome by the README's table: what the command says applies, the highest wins."""
    if bad_input:
        return ExitCode.BAD_INPUT
    return ExitCode.NOT_DONE if not_done else ExitCode.OK


def exits_on_bad_input(command: Callable[_P, None]) -> Callable[_P, None]:
    """A command whose ``ModelOnexError`` (bad input or configuration) ends it with the error's message on stderr
    and exit 2; a progress bar the command opened is closed before the message is printed."""

    @functools.wraps(command)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> None:
        from nodegen.onex import ModelOnexError  # every command loads it: only --help runs without it

        try:
            command(*args, **kwargs)
        except ModelOnexError as error:
            Console(stderr=True).print(f"[red]error[/red] {escape(error.message)}")
            raise typer.Exit(ExitCode.BAD_INPUT) from error

    return run


def finish_run(
    result: ModelCodegenOrchestrationResult,
    *,
    json_output: bool,
    view: Callable[[ModelCodegenOrchestrationResult], None],
) -> NoReturn:
    """Print a run of the orchestrator, as JSON on stdout or through ``view``, and exit by the table: 2 when a file
    could not be taken (unreadable, too large, does not parse), else 0 on success, else 1."""
    if json_output:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        view(result)
    raise typer.Exit(exit_status(bad_input=any(file.bad_input for file in result.files), not_done=not result.success))


__all__ = ["ExitCode", "exit_status", "exits_on_bad_input", "finish_run"]
