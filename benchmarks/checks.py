"""The benchmark's own judges, outside nodegen: a HumanEval problem's hidden tests and a function's docstring examples,
each run on a finished file in a child process of its own, with a time limit and a memory limit. Neither is ever shown
to a model or used in nodegen's loop: they run only after a fill, on the file as written.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import dataclass, field

TIME_LIMIT_S = 20.0
UNREADABLE = "the docstring's examples do not parse: "  # no example could be run (nodegen warns, EXA003)
MEMORY_LIMIT_BYTES = 2 * 1024**3

# The child: limits first, then the job (the source compiled as a module named after the problem).
_PRELUDE = """
import json, resource, sys
limit = MEMORY_LIMIT
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
job = json.loads(sys.stdin.read())
namespace = {"__name__": job["name"]}
"""
_HIDDEN_TESTS = (
    _PRELUDE
    + """
try:
    exec(compile(job["source"] + "\\n" + job["test"], job["name"] + ".py", "exec"), namespace)
    namespace["check"](namespace[job["entry_point"]])
    verdict = {"passed": True, "error": None}
except BaseException as error:
    verdict = {"passed": False, "error": f"{type(error).__name__}: {error}"[:500]}
sys.stdout.write("\\n@@verdict@@" + json.dumps(verdict))
"""
)
_EXAMPLES = (
    _PRELUDE
    + """
import doctest, io
verdict = {"examples": 0, "failures": [], "error": None}
try:
    exec(compile(job["source"], job["name"] + ".py", "exec"), namespace)
    target = namespace[job["entry_point"]]
    docstring = target.__doc__ if job["docstring"] is None else job["docstring"]
    try:
        test = doctest.DocTestParser().get_doctest(docstring or "", namespace, job["entry_point"], job["name"], 0)
    except ValueError as error:
        raise SystemExit("UNREADABLE: " + str(error)) from error
    verdict["examples"] = len(test.examples)

    class Collect(doctest.DocTestRunner):
        def report_failure(self, out, test, example, got):
            verdict["failures"].append({"call": example.source.strip(), "expected": example.want.strip(),
                                        "got": got.strip()[:300]})

        def report_unexpected_exception(self, out, test, example, exc_info):
            kind, value, _ = exc_info
            verdict["failures"].append({"call": example.source.strip(), "expected": example.want.strip(),
                                        "got": f"{kind.__name__}: {value}"[:300]})

    checker = None
    if not job["strict"]:  # the examples check's own reading (one implementation: the validator's)
        from nodegen.nodes.codegen_code_validator_effect.v1_0_0.checks.example_reader import (
            parameter_names, read_examples)
        from nodegen.nodes.codegen_code_validator_effect.v1_0_0.checks.example_runner import (
            ExampleOutputChecker, doctest_example)
        from dataclasses import asdict
        checker = ExampleOutputChecker()
        import ast
        defined = [node for node in ast.parse(job["source"]).body
                   if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == job["entry_point"]]
        parameters = parameter_names(defined[-1]) if defined else []
        read = read_examples(docstring or "", job["entry_point"], parameters)
        test.examples = [doctest_example(asdict(e)) for e in read]
        verdict["examples"] = len(test.examples)
    Collect(checker=checker, verbose=False).run(test, out=io.StringIO().write, clear_globs=False)
except SystemExit as unreadable:
    verdict["error"] = str(unreadable)[:500]
except BaseException as error:
    verdict["error"] = f"{type(error).__name__}: {error}"[:500]
sys.stdout.write("\\n@@verdict@@" + json.dumps(verdict))
""".replace("UNREADABLE: ", UNREADABLE)
)


@dataclass(frozen=True)
class ExampleVerdict:
    """A function's docstring examples run against a source (doctest ``>>>`` lines; without ``strict``, also the
    calls the examples check reads written with an arrow, ``f(2) -> 4``)."""

    examples: int
    failures: list[dict[str, str]] = field(default_factory=list)
    error: str | None = None

    @property
    def failed(self) -> bool:
        return bool(self.failures) or self.error is not None


def failure_kind(failure: dict[str, str]) -> str:
    """How a failed example differs: ``contradiction`` (another value), ``repr`` (the same value written with other
    quotes or line breaks), ``comparison`` (``>>> f(x) == y`` with no expected line: doctest wants no output, the
    comparison printed True)."""
    if not failure["expected"] and failure["got"] == "True":
        return "comparison"
    try:
        same = ast.literal_eval(failure["expected"]) == ast.literal_eval(failure["got"])
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        same = False
    return "repr" if same else "contradiction"


def _child(script: str, job: dict[str, object], time_limit_s: float) -> dict[str, object] | str:
    """Run ``script`` on ``job`` in a fresh interpreter; its verdict, or why there is none (as text)."""
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-c", script.replace("MEMORY_LIMIT", str(MEMORY_LIMIT_BYTES), 1)],
            input=json.dumps(job),
            capture_output=True,
            text=True,
            timeout=time_limit_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"time limit: no verdict after {time_limit_s:g} s"
    marker = done.stdout.rfind("@@verdict@@")
    if marker < 0:
        return f"the child process died (exit {done.returncode}): {done.stderr[-300:]}"
    verdict: dict[str, object] = json.loads(done.stdout[marker + len("@@verdict@@") :])
    return verdict


def hidden_tests(name: str, source: str, test: str, entry_point: str, time_limit_s: float = TIME_LIMIT_S) -> str | None:
    """None when ``check(entry_point)`` of the problem's tests passes on ``source``, else what went wrong."""
    job: dict[str, object] = {"name": name, "source": source, "test": test, "entry_point": entry_point}
    verdict = _child(_HIDDEN_TESTS, job, time_limit_s)
    if isinstance(verdict, str):
        return verdict
    return None if verdict["passed"] else str(verdict["error"])


def docstring_examples(
    name: str,
    source: str,
    entry_point: str,
    time_limit_s: float = TIME_LIMIT_S,
    *,
    strict: bool = False,
    docstring: str | None = None,
) -> ExampleVerdict:
    """The docstring examples of ``entry_point`` run against ``source``: as nodegen's examples check reads them
    (another literal of the same value, a bare comparison that prints True, pass), or with ``strict`` as plain doctest
    with default flags does. ``docstring``: the examples' docstring when not the function's own in ``source`` (a
    written file's function may carry the docstring of the model's answer; the spec is the problem's)."""
    job = {"name": name, "source": source, "entry_point": entry_point, "strict": strict, "docstring": docstring}
    verdict = _child(_EXAMPLES, job, time_limit_s)
    if isinstance(verdict, str):
        return ExampleVerdict(examples=0, error=verdict)
    return ExampleVerdict(
        examples=int(verdict["examples"]),  # type: ignore[call-overload]
        failures=list(verdict["failures"]),  # type: ignore[call-overload]
        error=verdict["error"],  # type: ignore[arg-type]
    )
