"""HumanEval with a real model, in one run: the model alone (one chat turn, greedy) beside the same model through
nodegen's whole pipeline (`nodegen fill`: extract → generate ⇄ validate → inject, on files on disk), with the stub's
docstring examples checked and with that check off.

Each problem's hidden tests run only after a fill, on the file as written, in a child process with a time limit
(benchmarks/checks.py); they never reach the model or the loop. Every result is appended to a JSONL file as soon as
it is known, so an interrupted run continues with ``--resume`` and the report is rebuilt from the file alone
(``--report-only``). Phases run one after another (all "alone", then nodegen with examples, then without) so that
llama.cpp's prefix cache serves each phase's own prompts.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.humaneval import function_source

from benchmarks.checks import docstring_examples, hidden_tests
from benchmarks.clients import ObservingClient
from benchmarks.humaneval import Problem
from nodegen.llm import EnumChatRole, LLMClient, ModelChatMessage, ModelCompletionRequest, client_from_settings
from nodegen.nodes.codegen_orchestrator.v1_0_0 import NodeCodegenOrchestrator
from nodegen.nodes.codegen_orchestrator.v1_0_0.models import EnumStubStatus
from nodegen.onex import ModelContainer
from nodegen.settings import NodegenSettings, load_settings

ALONE_SYSTEM = "You are a helpful assistant."
ALONE_INSTRUCTION = "Complete the following Python function. Answer with the whole function in one ```python block."
EXAMPLES_SETTING = "validation_run_examples"


def examples_setting_available() -> bool:
    """Whether this nodegen has the setting that turns the examples check off."""
    return EXAMPLES_SETTING in NodegenSettings.model_fields


def settings_for(folder: Path, llm: str, **overrides: Any) -> NodegenSettings:
    """nodegen's settings as a user's run in ``folder`` reads them (NODEGEN_* variables apply), with ``overrides``."""
    return load_settings(folder, llm=llm, llm_cache=False, **overrides)


def build_model(llm: str, folder: Path) -> LLMClient:
    """The provider exactly as nodegen builds it from ``--llm`` (the benchmark keeps it loaded across problems)."""
    return client_from_settings(settings_for(folder, llm))


@dataclass(frozen=True)
class Phase:
    """One pass over the problems: the model alone, or nodegen with the examples check on or off."""

    name: str  # "alone" or "nodegen"
    examples: bool | None = None

    @property
    def label(self) -> str:
        if self.name == "alone":
            return "model alone"
        return "nodegen, examples checked" if self.examples else "nodegen, examples not checked"

    def key(self, task_id: str) -> str:
        return f"{self.name}:{self.examples}:{task_id}"


def record_key(record: dict[str, Any]) -> str:
    return Phase(record["phase"], record.get("examples")).key(record["task_id"])


def _fenced(text: str) -> list[str]:
    blocks, inside, current = [], False, []
    for line in text.split("\n"):
        if line.strip().startswith("```"):
            if inside:
                blocks.append("\n".join(current))
                current = []
            inside = not inside
        elif inside:
            current.append(line)
    if inside and current:
        blocks.append("\n".join(current))  # cut off at the output limit
    return blocks


def alone_source(problem: Problem, answer: str) -> str:
    """The program the model alone wrote: its block that defines the function, after the prompt's imports and
    helpers; an answer that is only a body goes under the prompt's signature and docstring."""
    blocks = _fenced(answer) or [answer]
    defining = [block for block in blocks if f"def {problem.entry_point}(" in block]
    if defining:
        return problem.before_target + defining[-1] + "\n"
    return problem.prompt + blocks[0] + "\n"


async def alone_one(problem: Problem, client: ObservingClient, max_tokens: int) -> dict[str, Any]:
    """One chat turn, greedy: the instruction and the HumanEval prompt; the answer's program against the tests."""
    request = ModelCompletionRequest(
        system=ALONE_SYSTEM,
        messages=[ModelChatMessage(role=EnumChatRole.USER, content=f"{ALONE_INSTRUCTION}\n\n{problem.prompt}")],
        max_tokens=max_tokens,
        temperature=0.0,
    )
    client.calls.clear()
    started = time.perf_counter()
    await client.complete(request)
    seconds = time.perf_counter() - started
    call = client.calls[-1]
    source = alone_source(problem, call.text)
    error = hidden_tests(problem.name, source, problem.test, problem.entry_point)
    return {
        "phase": "alone",
        "task_id": problem.task_id,
        "passed": error is None,
        "error": error,
        "max_tokens": max_tokens,
        "seconds": round(seconds, 2),
        "calls": [call.as_json()],
    }


def _attempt_rows(state_dir: Path, correlation_id: str) -> list[dict[str, Any]]:
    """The store's rows of this run's attempts (outcome and finding codes per attempt), as nodegen recorded them."""
    database = state_dir / "nodegen.db"
    if not database.is_file():
        return []
    try:
        with sqlite3.connect(database) as db:
            db.row_factory = sqlite3.Row
            rows = db.execute(
                "SELECT * FROM generation_attempts WHERE correlation_id = ? ORDER BY attempt", (correlation_id,)
            ).fetchall()
    except sqlite3.Error:
        return []
    keep = ("attempt", "outcome", "finding_codes", "message", "prompt_tokens", "completion_tokens", "latency_ms")
    extra = ("prompt_tokens_evaluated",)
    return [{k: row[k] for k in (*keep, *extra) if k in row.keys()} for row in rows]  # noqa: SIM118 - sqlite3.Row


async def nodegen_one(
    problem: Problem,
    client: ObservingClient,
    where: Path,
    phase: Phase,
    llm: str,
    max_attempts: int | None,
    *,
    candidates: int | None = None,
) -> dict[str, Any]:
    """``nodegen fill`` on the problem's stub file, then the hidden tests and the docstring examples on the result."""
    # the same path in every phase and run: the prompt shows it, and the runs must send the same first prompt
    folder = where / "humaneval" / problem.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    path = folder / f"{problem.name}.py"
    path.write_text(problem.stubbed, encoding="utf-8")
    overrides: dict[str, Any] = {"state_dir": str(where / ".nodegen"), "max_attempts": max_attempts}  # None: default
    if examples_setting_available():
        overrides[EXAMPLES_SETTING] = bool(phase.examples)
    if candidates is not None:
        overrides["generation_candidates"] = candidates
    container = ModelContainer.from_settings(settings_for(folder, llm, **overrides), services={"llm_client": client})
    client.calls.clear()
    started = time.perf_counter()
    result = await NodeCodegenOrchestrator(container).execute_orchestration({"input_state": {"files": [str(path)]}})
    seconds = time.perf_counter() - started
    stub = result.stubs[0] if result.stubs else None
    filled = stub is not None and stub.status is EnumStubStatus.FILLED
    text = path.read_text(encoding="utf-8")
    error = hidden_tests(problem.name, text, problem.test, problem.entry_point) if filled else "not filled"
    examples = None
    if filled:
        examples = docstring_examples(problem.name, text, problem.entry_point, docstring=problem.docstring)
    attempts = stub.attempts if stub is not None else 0
    return {
        "phase": "nodegen",
        "examples": phase.examples,
        "examples_setting": examples_setting_available(),
        "task_id": problem.task_id,
        "llm": result.llm,
        "status": stub.status.value if stub is not None else "no stub",
        "message": stub.message if stub is not None else "the stub was not found",
        "attempts": attempts,
        "filled": filled,
        "passed": error is None,
        "error": error,
        # what nodegen would have written with one attempt: the stub filled at its first attempt, or nothing
        "first_attempt_written": filled and attempts == 1,
        "first_attempt_passed": filled and attempts == 1 and error is None,
        "examples_run": examples.examples if examples is not None else 0,
        "example_failures": (examples.failures + ([{"error": examples.error}] if examples.error else []))
        if examples is not None
        else [],
        "filled_function": function_source(text, problem.entry_point) if filled else None,
        "selection": stub.selection.model_dump() if stub is not None and stub.selection is not None else None,
        "seconds": round(seconds, 2),
        "prompt_tokens": result.prompt_tokens,
        "completion_tokens": result.completion_tokens,
        "calls": [call.as_json() for call in client.calls],
        "attempt_rows": _attempt_rows(where / ".nodegen", str(result.correlation_id)),
    }


class ResultsFile:
    """The run's JSONL: a header line (the provider, the settings), then one line per problem and phase."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        if not self.path.is_file():
            return None, []
        lines = [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]
        header = next((line for line in lines if line.get("phase") == "run"), None)
        return header, [line for line in lines if line.get("phase") != "run"]

    def start(self, header: dict[str, Any], *, resume: bool) -> set[str]:
        """The keys already done (on resume, after checking the header matches), or a fresh file."""
        old_header, records = self.read()
        if resume and old_header is not None:
            for field in ("llm", "max_attempts", "candidates"):
                if old_header.get(field) != header.get(field):
                    raise SystemExit(
                        f"{self.path} was written with {field}={old_header.get(field)!r}, not {header.get(field)!r}: "
                        "run without --resume to start again (the old file is kept as .bak)"
                    )
            return {record_key(record) for record in records}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            self.path.replace(self.path.with_suffix(self.path.suffix + ".bak"))
        self.append(header)
        return set()

    def append(self, record: dict[str, Any]) -> None:
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def progress_line(phase: Phase, index: int, total: int, record: dict[str, Any], tally: list[int]) -> str:
    tally[0] += bool(record["passed"])
    tally[1] += 1
    if phase.name == "alone":
        what = "passed" if record["passed"] else "failed"
    else:
        tests = "passed" if record["passed"] else "failed"
        what = f"{record['status']} after {record['attempts']} attempt(s), tests {tests}"
        if record["example_failures"]:
            what += f", {len(record['example_failures'])} example(s) fail"
    return (
        f"[{phase.label} {index}/{total}] {record['task_id']}: {what} in {record['seconds']:.1f} s "
        f"(this run: {tally[0]}/{tally[1]} passed)"
    )


__all__ = [
    "ALONE_INSTRUCTION",
    "ALONE_SYSTEM",
    "Phase",
    "ResultsFile",
    "alone_one",
    "build_model",
    "examples_setting_available",
    "nodegen_one",
    "progress_line",
    "record_key",
    "settings_for",
]
