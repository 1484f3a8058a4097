"""The HumanEval real-model report, rebuilt from the run's JSONL alone (no model needed): pass@1 of the model alone,
nodegen's first attempt and nodegen after repairs (examples checked and not), tokens, seconds, unfilled against filled
wrong, and every body nodegen wrote whose docstring examples fail."""

from __future__ import annotations

import json
import statistics
from typing import Any

from benchmarks.checks import UNREADABLE, failure_kind

TARGET_AFTER_REPAIRS = 0.70
TARGET_POINTS_ABOVE_ALONE = 12.0


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "-"


def _sum(records: list[dict[str, Any]], field: str, *, first_only: bool = False) -> str:
    values = []
    for record in records:
        calls = record.get("calls", [])[:1] if first_only else record.get("calls", [])
        values.extend(call.get(field) for call in calls)
    known = [value for value in values if isinstance(value, int)]
    if not known:
        return "-"
    return f"{sum(known):,}" + ("" if len(known) == len(values) else f" ({len(values) - len(known)} unknown)")


def _seconds(records: list[dict[str, Any]]) -> str:
    times = [float(record["seconds"]) for record in records]
    return f"{statistics.mean(times):.1f} / {statistics.median(times):.1f}" if times else "-"


def _row(label: str, records: list[dict[str, Any]], passed: int, filled: int | None, first_only: bool) -> str:
    total = len(records)
    cells = [label, f"{passed}/{total}", _pct(passed, total)]
    if filled is None:
        cells += ["-", "-", "-", "-"]
    else:
        wrong, unfilled = filled - passed, total - filled
        cells += [str(filled), str(wrong), str(unfilled), _pct(unfilled, wrong + unfilled)]
    cells += [
        _sum(records, "prompt_tokens", first_only=first_only),
        _sum(records, "completion_tokens", first_only=first_only),
        _sum(records, "prompt_tokens_evaluated", first_only=first_only),
        "-" if first_only else _seconds(records),
    ]
    return "| " + " | ".join(cells) + " |"


def example_failures(records: list[dict[str, Any]], contradicted: dict[str, set[str]]) -> list[str]:
    """One line per written body whose examples fail: the call, expected and got, and whether the example is at
    fault (it contradicts the reference solution, or only its repr differs)."""
    lines = []
    for record in records:
        for failure in record.get("example_failures", []):
            if "error" in failure:
                if not failure["error"].startswith(UNREADABLE):  # listed beside the targets
                    lines.append(f"- {record['task_id']}: the examples could not run: {failure['error']}")
                continue
            kind = failure_kind(failure)
            if kind == "contradiction":
                kind = "another value"
            if failure["call"] in contradicted.get(record["task_id"], set()):
                kind = "contradiction (the reference solution fails this example too)"
            lines.append(
                f"- {record['task_id']}: `{failure['call']}` expected `{failure['expected'] or '(nothing)'}`, "
                f"got `{failure['got']}` — {kind}"
            )
    return lines


def _examples_fail(record: dict[str, Any], contradicted: dict[str, set[str]]) -> bool:
    """A written body whose examples really fail (not only a repr difference, not an example that contradicts the
    problem's own reference solution)."""
    for failure in record.get("example_failures", []):
        if "error" in failure:
            return not failure["error"].startswith(UNREADABLE)  # unreadable examples: none could fail
        at_fault = failure["call"] in contradicted.get(record["task_id"], set())
        if failure_kind(failure) == "contradiction" and not at_fault:
            return True
    return False


def _selections(header: dict[str, Any], group: list[dict[str, Any]]) -> list[str]:
    """For a run with several candidates a stub: how often they were compared, and what the comparison decided."""
    chosen = [r for r in group if r.get("selection")]
    if not header.get("candidates") or header["candidates"] == 1:
        return []
    split = [r for r in chosen if len(r["selection"]["group_sizes"]) > 1]
    overruled = [r for r in split if r["selection"]["chosen_attempt"] != min_valid_attempt(r)]
    seconds = [sum(call.get("latency_ms") or 0 for call in r["calls"]) / 1000 for r in group if r["calls"]]
    whole, single = _model_seconds(chosen)
    return [
        "",
        f"Candidates: {header['candidates']} a stub from the first passing one on (drawing stops once no group can "
        f"overtake). {len(chosen)} stubs were written from a comparison of passing candidates; in {len(split)} the "
        f"candidates disagreed on the probes ({sum(r['passed'] for r in split)} of those pass the hidden tests), and "
        f"in {len(overruled)} the code written is not the first that passed "
        f"({sum(r['passed'] for r in overruled)} of those pass). With candidates, the draws after a passing one count "
        f"as attempts, so the first-attempt rows do not say what one candidate would have written. Model seconds per "
        f"problem (the calls' own time): mean {sum(seconds) / max(1, len(seconds)):.1f}. Over the stubs written from a "
        f"comparison, the model's seconds up to the first passing candidate (what one candidate costs) total "
        f"{single:.0f} s and with the candidates {whole:.0f} s: {whole / max(single, 1e-9):.2f}x.",
    ]


def _model_seconds(records: list[dict[str, Any]]) -> tuple[float, float]:
    """The model's seconds of these stubs' calls: all of them, and those up to each stub's first passing one."""
    whole = single = 0.0
    for record in records:
        first = min_valid_attempt(record) or 0
        for row in record.get("attempt_rows", []):
            seconds = (row.get("latency_ms") or 0.0) / 1000
            whole += seconds
            single += seconds if row["attempt"] <= first else 0.0
    return whole, single


def min_valid_attempt(record: dict[str, Any]) -> int | None:
    """The attempt of the first candidate that passed every check (from the store's rows of the run)."""
    valid = [row["attempt"] for row in record.get("attempt_rows", []) if row.get("outcome") == "valid"]
    return min(valid) if valid else None


def render(header: dict[str, Any], records: list[dict[str, Any]], contradicted: dict[str, set[str]]) -> str:
    """The markdown section. ``contradicted``: task id -> example calls that fail against the canonical solution."""
    alone = [r for r in records if r["phase"] == "alone"]
    runs = {flag: [r for r in records if r["phase"] == "nodegen" and r["examples"] is flag] for flag in (True, False)}
    lines = [
        "| run | passed | pass@1 | filled | filled wrong | unfilled | unfilled share of failures | prompt tokens | "
        "completion tokens | prompt tokens evaluated | s/problem (mean / median) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    if alone:
        lines.append(_row("model alone (one turn, greedy)", alone, sum(r["passed"] for r in alone), None, False))
    for flag, label in ((True, "examples checked"), (False, "examples not checked")):
        group = runs[flag]
        if not group:
            continue
        first_written = sum(r["first_attempt_written"] for r in group)
        first_passed = sum(r["first_attempt_passed"] for r in group)
        lines.append(_row(f"nodegen first attempt, {label}", group, first_passed, first_written, True))
        lines.append(
            _row(
                f"nodegen after repairs, {label}",
                group,
                sum(r["passed"] for r in group),
                sum(r["filled"] for r in group),
                False,
            )
        )
    text = [
        f"Provider `{header.get('llm')}` ({header.get('model')}), max attempts {header.get('max_attempts')}, "
        f"output limit {header.get('max_tokens')} tokens (for an in-process model, in both runs, 768 besides the "
        f"stub's own length: `GenerationOptions.answer_tokens`); {header.get('machine')}; "
        f"started {header.get('started')}; "
        f"command: `{header.get('command')}`.",
        "",
        *lines,
        "",
        "\"First attempt\" is what nodegen would have written with one attempt: the stub filled at its first attempt "
        "(the code is kept per problem in the JSONL), else nothing. Tokens of a first-attempt row are those of the "
        "first calls only; \"prompt tokens evaluated\" is what the model actually read (llama.cpp reuses a prompt "
        "prefix it has already evaluated). Hidden tests ran only after each fill, in a child process with a time "
        "limit.",
    ]
    text += _selections(header, runs[True])
    if "--skip-examples-off" in str(header.get("command")):
        text.append("\nNo examples-off run: it was skipped (`--skip-examples-off`).")
    elif not examples_off_available(records):
        text.append(
            "\nThe examples-off run is missing: this nodegen has no `validation_run_examples` setting, or the run "
            "was limited."
        )
    whose = "" if header.get("llm") == "local" else " (issue 13's, set for `local`; shown for comparison)"
    text += ["", f"Targets{whose}:", ""]
    text += _targets(alone, runs[True], contradicted)
    for flag, label in ((True, "examples checked"), (False, "examples not checked")):
        failing = example_failures(runs[flag], contradicted)
        if runs[flag]:
            bodies = len({line.split(":", 1)[0] for line in failing})
            count = f"{bodies} ({len(failing)} examples)" if failing else "none"
            text += ["", f"Bodies nodegen wrote whose docstring examples fail ({label}): {count}", ""]
            text += failing
    for flag, label in ((True, "examples checked"), (False, "examples not checked")):
        repaired = [r for r in runs[flag] if r["filled"] and r["attempts"] > 1]
        if runs[flag]:
            text.append(
                f"\nStubs filled after a repair ({label}): {len(repaired)} of {len(runs[flag])} problems, "
                f"{sum(r['passed'] for r in repaired)} of them passing the hidden tests."
            )
    return "\n".join(text)


def examples_off_available(records: list[dict[str, Any]]) -> bool:
    return any(r["phase"] == "nodegen" and r["examples"] is False and r.get("examples_setting") for r in records)


def _targets(alone: list[dict[str, Any]], group: list[dict[str, Any]], contradicted: dict[str, set[str]]) -> list[str]:
    if not group:
        return ["- (no nodegen run yet)"]
    alone_by = {r["task_id"]: r["passed"] for r in alone}
    same = [r for r in group if r["task_id"] in alone_by]
    base = sum(alone_by[r["task_id"]] for r in same) / len(same) if same else None
    first = sum(r["first_attempt_passed"] for r in group) / len(group)
    after = sum(r["passed"] for r in group) / len(group)
    bad = sum(_examples_fail(r, contradicted) for r in group)

    def mark(ok: bool) -> str:
        return "met" if ok else "NOT met"

    out = []
    if base is not None:
        out.append(
            f"- first attempt ({100 * first:.1f} %) at least the model alone ({100 * base:.1f} %): "
            + mark(first >= base)
        )
        out += _first_attempt_gap(alone, group, contradicted)
        need = max(TARGET_AFTER_REPAIRS, base + TARGET_POINTS_ABOVE_ALONE / 100)
        out.append(
            f"- after repairs ({100 * after:.1f} %) at least 70 % and 12 points above the model alone "
            f"(needs {100 * need:.1f} %): {mark(after >= need)}"
        )
    else:
        out.append(f"- after repairs {100 * after:.1f} % (target 70 %, 12 points above the model alone: no alone run)")
    out.append(f"- no body written whose docstring examples fail: {bad} such problem(s): {mark(bad == 0)}")
    unreadable = [
        r["task_id"]
        for r in group
        if any(f.get("error", "").startswith(UNREADABLE) for f in r.get("example_failures", []))
    ]
    if unreadable:
        out.append(
            "  (written with examples that do not parse, so none ran and nodegen warned, EXA003: "
            f"{', '.join(unreadable)})"
        )
    return out


def _first_refusal(record: dict[str, Any], contradicted: set[str]) -> str:
    """What refused a first answer: its finding codes, and whether a failing example is one the problem's own
    reference solution fails too."""
    first = (record.get("attempt_rows") or [{}])[0]
    codes = first.get("finding_codes") or "[]"
    found = ", ".join(sorted(set(json.loads(codes) if isinstance(codes, str) else codes))) or "no finding"
    message = first.get("message") or ""
    if any(f"`{call}`" in message for call in contradicted):
        found += "; the failing example contradicts the reference solution"
    return found


def _first_attempt_gap(
    alone: list[dict[str, Any]], group: list[dict[str, Any]], contradicted: dict[str, set[str]]
) -> list[str]:
    """Where the first attempt and the model alone part: how many first answers are the model alone's, and each
    problem the model alone passes that nodegen's first attempt did not write, with what refused it."""
    alone_by = {r["task_id"]: r for r in alone}

    def first_answer(record: dict[str, Any]) -> str | None:
        calls = record.get("calls") or [{}]
        answer = calls[0].get("answer")
        return answer if isinstance(answer, str) else None

    paired = [r for r in group if r["task_id"] in alone_by and first_answer(r) is not None]
    same = sum(first_answer(r) == first_answer(alone_by[r["task_id"]]) for r in paired)
    refused = [r for r in group if alone_by.get(r["task_id"], {}).get("passed") and not r["first_attempt_passed"]]
    if not paired and not refused:
        return []
    described = [f"{r['task_id']} ({_first_refusal(r, contradicted.get(r['task_id'], set()))})" for r in refused]
    lines = [f"  (nodegen's first answer is the model alone's in {same} of {len(paired)} problems"]
    if described:
        lines[0] += f"; the model alone passes {len(refused)} that the first attempt refused: {', '.join(described)}"
    lines[0] += ")"
    return lines


__all__ = ["example_failures", "render"]
