"""Run one stub's docstring examples against the module as it would be written; the examples check starts it in the
sandbox as ``python -I -S example_runner.py SPEC.json``. Not imported by nodegen; standard library only.

The spec names the module (``module_name``, ``module_file``: the candidate text in the sandbox's work folder,
``package`` when it is a package's ``__init__``), the ``sys_path`` to import with, the ``docstring`` (the ORIGINAL
stub's) with its ``name`` and ``lineno``, and the ``examples`` read from it (``example_reader``). The module is
imported under its own name (a finder serves the candidate file, so its package and siblings import it too), and the
examples run with ``doctest.DocTestRunner`` in a copy of the module's globals, as ``doctest.testmod`` would. One JSON
object per line goes to the original stdout: ``start`` before each example, ``failure`` / ``exception`` for each
failing one, ``import_failed``, then ``done``, each with the run's ``token`` (read from the spec, which is deleted
before the module is imported): a line without it was written by the code under test, and nodegen refuses the run.
Anything the module prints outside an example goes to stderr.

The stub's function is watched by a wrapper that reports its first call (``called``, in the report's order): an
example that fails before it fails for its own setup, whatever the new code is.

A method's examples that call the class's methods on a name they never bind (``system.add_movie(...)``: ClassEval's
and many docstrings' way of writing "an instance of the class") get that name bound to an instance made with no
arguments, when the class can be made so (``instance`` events name them); otherwise the name stays unbound and
such an example fails before the stub is called, as before.

``probes`` (calls nodegen derived to compare candidates by what they do, ``nodegen.pysource.probes``) run after
``done`` in the same globals, each under a short timer: one ``output`` event each, with what it printed or raised,
never judged; ``probes_done`` ends them.
"""

from __future__ import annotations

import ast
import builtins
import functools
import importlib
import importlib.util
import json
import os
import signal
import sys
import time
import traceback
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import FunctionType, ModuleType, TracebackType
from typing import TYPE_CHECKING, Any, TextIO

_TEXT = 2000  # characters kept of an expected or actual output
_NOT_NEEDED = ("pdb", "unittest", "difflib", "inspect")
_PROBE_S = 0.5  # one probe's time
_PROBES_S = 2.0  # all probes' time
_PROBE_WANT = "<nodegen probe: any output>\n"


class ProbeTimeout(BaseException):
    """A probe ran past its time (raised by the timer's signal; doctest records it as the probe's exception)."""


def _out_of_time(_signum: int, _frame: object) -> None:
    raise ProbeTimeout


class _NoDebugger:
    """What doctest's runner asks of ``pdb.Pdb`` (it swaps ``pdb.set_trace`` during a run)."""

    def __init__(self, *_args: object, **_kwargs: object) -> None:
        return

    def reset(self) -> None:
        return

    def set_trace(self, frame: object = None) -> None:
        return


def _light_doctest() -> ModuleType:
    """``doctest`` without importing pdb, unittest, difflib and inspect (about half of the run's start-up): its
    parser and runner, all this uses, need none of them. The stand-ins leave ``sys.modules`` at once, so the module
    under test imports the real ones."""
    stand_ins = {name: ModuleType(name) for name in _NOT_NEEDED if name not in sys.modules}
    if "pdb" in stand_ins:
        stand_ins["pdb"].Pdb = _NoDebugger  # type: ignore[attr-defined]
        stand_ins["pdb"].set_trace = _NoDebugger().set_trace  # type: ignore[attr-defined]
    if "unittest" in stand_ins:
        stand_ins["unittest"].TestCase = type("TestCase", (), {})  # type: ignore[attr-defined]
        stand_ins["unittest"].TestSuite = type("TestSuite", (), {})  # type: ignore[attr-defined]
    sys.modules.update(stand_ins)
    try:
        return importlib.import_module("doctest")
    finally:
        for name in stand_ins:
            del sys.modules[name]


if TYPE_CHECKING:
    import doctest
else:
    doctest = _light_doctest()


def _cut(text: str) -> str:
    return text if len(text) <= _TEXT else text[:_TEXT] + f"... ({len(text) - _TEXT} more characters)"


class _Candidate:
    """A meta path finder that serves the candidate file under the module's own name."""

    def __init__(self, name: str, path: str, package: list[str] | None) -> None:
        self.name, self.path, self.package = name, path, package

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> ModuleSpec | None:
        if fullname != self.name:
            return None
        return importlib.util.spec_from_file_location(fullname, self.path, submodule_search_locations=self.package)


def _frames(error: BaseException, module_file: str) -> list[int]:
    """Lines of the candidate module in the traceback, innermost last."""
    return [frame.lineno or 0 for frame in traceback.extract_tb(error.__traceback__) if frame.filename == module_file]


def _literal(text: str) -> tuple[bool, object]:
    try:
        return True, ast.literal_eval(text.strip())
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False, None


EQUAL = doctest.register_optionflag("NODEGEN_EQUAL")  # an arrow example (``f(2) -> 4``): values compare with ==
ANY = doctest.register_optionflag("NODEGEN_ANY")  # an example whose output the docstring does not state


def doctest_example(example: dict[str, Any]) -> doctest.Example:
    """doctest's example of one ``example_reader.DocExample`` (as a dict): an arrow example compares values."""
    options = {EQUAL: True} if example["equal"] else {}
    if example.get("any_output"):
        options[ANY] = True
    return doctest.Example(example["source"], example["want"], lineno=example["lineno"], options=options)


class ExampleOutputChecker(doctest.OutputChecker):
    """doctest's comparison, and two readings of what docstrings mean that doctest reads too literally: a value
    written as another literal of the same value (``"21"`` for ``'21'``), and a comparison written with no output
    line (``>>> f(3) == 5``), which holds when it prints ``True``. An arrow example (``EQUAL``) holds when the value
    equals the literal, as ``==`` says (``6.00`` for ``6.0``; ``None`` for a result doctest prints as nothing)."""

    def check_output(self, want: str, got: str, optionflags: int) -> bool:
        if optionflags & ANY or super().check_output(want, got, optionflags):
            return True
        if not want.strip():
            return got == "True\n"
        (want_ok, want_value), (got_ok, got_value) = _literal(want), _literal(got)
        if optionflags & EQUAL:
            return want_ok and (got_value == want_value if got_ok else want_value is None and not got.strip())
        return want_ok and got_ok and type(want_value) is type(got_value) and want_value == got_value


def _watch(module: ModuleType, qualified_name: str, runner: _Recorder) -> None:
    """Put a wrapper that reports the first call in place of the stub's function (a plain, static or class method,
    or a module's function); anything else is left as it is, unwatched (its examples' failures are all the code's).
    The report is the order of events, not a flag the code could reset."""
    *path, name = qualified_name.split(".")
    owner: Any = module
    for part in path:
        owner = getattr(owner, part, None)
    raw = vars(owner).get(name) if owner is not None and hasattr(owner, "__dict__") else None
    kind = type(raw) if isinstance(raw, staticmethod | classmethod) else None
    function = raw.__func__ if isinstance(raw, staticmethod | classmethod) else raw
    if not isinstance(function, FunctionType):
        return

    first = [True]

    @functools.wraps(function)
    def watched(*args: Any, **kwargs: Any) -> Any:
        if first:
            first.clear()
            runner.emit({"event": "called"})
        return function(*args, **kwargs)

    runner.emit({"event": "watched"})
    setattr(owner, name, kind(watched) if kind is not None else watched)


def _receivers(examples: list[doctest.Example], owner: type) -> list[str]:
    """Names the examples use as the receiver of one of ``owner``'s attributes (``ss.count_words(...)``) and never
    bind (assign, import, define, loop over)."""
    bound: set[str] = set()
    receivers: set[str] = set()
    for example in examples:
        try:
            tree = ast.parse(example.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                bound.add(node.id)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                bound.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and hasattr(owner, node.attr):
                receivers.add(node.value.id)
    return sorted(receivers - bound)


def _instances(module: ModuleType, qualified_name: str, test: doctest.DocTest, runner: _Recorder) -> None:
    """Bind each name the examples use as an instance of the stub's class and never bind to one made with no
    arguments (see the module's docstring); none when the class cannot be made so."""
    *path, _ = qualified_name.split(".")
    owner: Any = module
    for part in path:
        owner = getattr(owner, part, None)
    if not path or not isinstance(owner, type):
        return
    for name in _receivers(test.examples, owner):
        if name in test.globs or hasattr(builtins, name):
            continue
        try:
            test.globs[name] = owner()
        except Exception:  # a class its examples cannot make with no arguments: nothing is bound
            return
        runner.emit({"event": "instance", "name": name, "made": f"{owner.__name__}()"})


class _Recorder(doctest.DocTestRunner):
    def __init__(self, report: TextIO, module_file: str, token: str) -> None:
        super().__init__(checker=ExampleOutputChecker(), verbose=False, optionflags=0)
        self.report, self.module_file, self._token = report, module_file, token
        self.probing = False

    def emit(self, event: dict[str, Any]) -> None:
        self.report.write(json.dumps({"token": self._token, **event}) + "\n")
        self.report.flush()

    def report_start(self, out: Any, test: doctest.DocTest, example: doctest.Example) -> None:
        if not self.probing:
            self.emit({"event": "start", "index": test.examples.index(example), "source": example.source})

    def report_success(self, out: Any, test: doctest.DocTest, example: doctest.Example, got: str) -> None:
        return

    def report_failure(self, out: Any, test: doctest.DocTest, example: doctest.Example, got: str) -> None:
        if self.probing:
            self.emit({"event": "output", "got": _cut(got)})
            return
        self.emit(
            {
                "event": "failure",
                "index": test.examples.index(example),
                "source": example.source,
                "lineno": example.lineno,
                "want": _cut(example.want),
                "got": _cut(got),
            }
        )

    def report_unexpected_exception(
        self,
        out: Any,
        test: doctest.DocTest,
        example: doctest.Example,
        exc_info: tuple[type[BaseException], BaseException, TracebackType],
    ) -> None:
        error = exc_info[1]
        if self.probing:
            what = "ran out of time" if isinstance(error, ProbeTimeout) else f"raised {type(error).__name__}"
            self.emit({"event": "output", "got": what})
            return
        self.emit(
            {
                "event": "exception",
                "index": test.examples.index(example),
                "source": example.source,
                "lineno": example.lineno,
                "want": _cut(example.want),
                "error": _cut("".join(traceback.format_exception_only(type(error), error)).strip()),
                "lines": _frames(error, self.module_file),
            }
        )


def main(spec_path: str) -> int:
    """Run the examples the spec names; the report goes to the original stdout."""
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    Path(spec_path).unlink()  # the run's token is in it: the code under test must not read it
    report = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # the module's own prints go to stderr, never into the report
    runner = _Recorder(report, spec["module_file"], spec.pop("token"))
    sys.path[:] = spec["sys_path"]
    sys.meta_path.insert(0, _Candidate(spec["module_name"], spec["module_file"], spec.get("package")))
    try:
        module: ModuleType = importlib.import_module(spec["module_name"])
    except BaseException as error:
        runner.emit(
            {
                "event": "import_failed",
                "error": _cut("".join(traceback.format_exception_only(type(error), error)).strip()),
                "lines": _frames(error, spec["module_file"]),
            }
        )
        return 0
    _watch(module, spec["name"], runner)
    examples = [doctest_example(example) for example in spec["examples"]]
    test = doctest.DocTest(
        examples, module.__dict__.copy(), spec["name"], spec["module_file"], spec["lineno"], spec["docstring"]
    )
    _instances(module, spec["name"], test, runner)
    results = runner.run(test, out=lambda _text: None, clear_globs=False)
    runner.emit({"event": "done", "attempted": results.attempted, "failed": results.failed})
    if spec.get("probes") and not results.failed:  # a candidate its examples refuse is compared with no other
        _probe(runner, test, spec["probes"])
    return 0


def _probe(runner: _Recorder, test: doctest.DocTest, probes: list[str]) -> None:
    """Each probe in the examples' globals, under its timer, until the probes' time is spent."""
    runner.probing = True
    signal.signal(signal.SIGALRM, _out_of_time)
    ends = time.monotonic() + _PROBES_S
    for source in probes:
        if time.monotonic() >= ends:
            runner.emit({"event": "output", "got": "not run: the probes' time was spent"})
            continue
        probe = doctest.DocTest(
            [doctest.Example(source, _PROBE_WANT)], test.globs, test.name, test.filename, test.lineno, None
        )
        signal.setitimer(signal.ITIMER_REAL, _PROBE_S)
        try:
            runner.run(probe, out=lambda _text: None, clear_globs=False)
        except ProbeTimeout:  # the timer fired between the probe's end and the line below
            runner.emit({"event": "output", "got": "ran out of time"})
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    runner.emit({"event": "probes_done"})


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
