"""The answers the reliability probe saw written with no finding (issue 28) are refused now, each with what was found:
tampering with the interpreter (SEC035), reading other code's frames (SEC036), replacing or ending the process
(SEC037), ctypes memory (SEC038), writes into the interpreter's start-up (SEC039), the environment returned (SEC040),
/proc/self/environ read (SEC033), a generator where a value is promised (LAZY005) and a loop with no way out
(LAZY006). Code that looks alike but does its job passes; the standard library is flagged only where reviewed."""

import ast
import sysconfig
import textwrap
from pathlib import Path

import pytest

from ..checks import CheckContext, check_tampering
from ..engine import ValidatorOptions, validate
from ..models import ModelCodeValidationRequest

STUB = '''import os


def answer(x: int) -> int:
    """Return x plus one."""
    # IMPLEMENTATION REQUIRED
    pass
'''


async def findings_of(body: str, source: str = STUB) -> list[tuple[str, str]]:
    """The errors of ``body`` put in the stub ``answer`` (as a fill checks it)."""
    result = await validate(
        ModelCodeValidationRequest(
            generated_code=textwrap.dedent(body), target={"source": source, "qualified_name": "answer"}
        ),
        ValidatorOptions(),
    )
    return [(e.code, e.message) for e in result.errors]


REFUSED = {
    "builtins.open replaced": ("import builtins\nbuiltins.open = None\nreturn x + 1", "SEC035", "`builtins`"),
    "setattr on builtins": ("import builtins\nsetattr(builtins, 'len', lambda v: 0)\nreturn x + 1", "SEC035", "len"),
    "sys.modules faked": ("import sys\nsys.modules['json'] = object()\nreturn x + 1", "SEC035", "sys.modules"),
    "a frame walked": ("import sys\nsys._getframe(1).f_locals.clear()\nreturn x + 1", "SEC036", "frame"),
    "the heap searched": ("import gc\nfound = gc.get_objects()\nreturn x + len(found)", "SEC036", "gc.get_objects"),
    "a traceback's frame": (
        "try:\n    raise ValueError\nexcept ValueError as e:\n    e.__traceback__.tb_frame.f_back\nreturn x + 1",
        "SEC036",
        "tb_frame",
    ),
    "os.execv a shell": ("os.execv('/bin/sh', ['sh'])\nreturn x + 1", "SEC037", "replaces or ends"),
    "os._exit after a forged report": (
        "import sys\nsys.stdout.write('{\"event\": \"done\"}')\nos._exit(0)\nreturn x",
        "SEC037",
        "os._exit(0)",
    ),
    "ctypes reads address 0": ("import ctypes\nreturn ctypes.string_at(0)[0] + x", "SEC038", "ctypes"),
    "a .pth file into site-packages": (
        "import site\nfrom pathlib import Path\n"
        "Path(site.getsitepackages()[0], 'evil.pth').write_text('import os')\nreturn x + 1",
        "SEC039",
        "start-up",
    ),
    "sitecustomize written": (
        "import sysconfig\nwith open(sysconfig.get_paths()['purelib'] + '/sitecustomize.py', 'w') as f:\n"
        "    f.write('import os')\nreturn x + 1",
        "SEC039",
        "start-up",
    ),
    "the environment returned": ("return dict(os.environ)", "SEC040", "the whole process environment"),
    "a key of it returned": ("return os.environ['DATABASE_URL']", "SEC040", "DATABASE_URL"),
    "/proc/self/environ read": (
        "data = open('/proc/self/environ').read()\nreturn x + len(data)",
        "SEC033",
        "/environ",
    ),
    "a computed /etc/hosts removed": (
        "base = os.sep + 'etc'\nos.unlink(os.path.join(base, 'hosts'))\nreturn x + 1",
        "SEC041",
        "none of the function's inputs",
    ),
    "a path built from chr removed": ("os.remove(chr(47) + 'etc/hosts')\nreturn x + 1", "SEC041", "deletes"),
    "yield for a value": ("yield x + 1", "LAZY005", "a generator"),
    "while True: pass": ("while True:\n    pass", "LAZY006", "never ends"),
    "while 1 counting": ("n = x\nwhile 1:\n    n += 1", "LAZY006", "never ends"),
}


@pytest.mark.parametrize(("body", "expected", "message"), REFUSED.values(), ids=REFUSED.keys())
async def test_refused_with_what_was_found(body, expected, message):
    found = await findings_of(body)
    assert any(code == expected and message in text for code, text in found), found


PASSING = {
    "a local named open": "open = x + 1\nreturn open",
    "a dict named modules": "modules = {'json': 1}\nmodules['json'] = x\nreturn modules['json'] + 1",
    "a loop that breaks": "n = x\nwhile True:\n    n += 1\n    if n > x:\n        break\nreturn n",
    "a loop that reads until the end": "items = iter([x])\nwhile True:\n    try:\n        return next(items) + 1\n"
    "    except StopIteration:\n        return x + 1",
    "a temporary file": "import tempfile\nwith tempfile.TemporaryFile('w') as f:\n    f.write(str(x))\nreturn x + 1",
    "a file of its own temporary folder removed": (
        "import tempfile\nfolder = tempfile.mkdtemp()\nos.remove(os.path.join(folder, 'a'))\nreturn x + 1"
    ),
}


@pytest.mark.parametrize("body", PASSING.values(), ids=PASSING.keys())
async def test_code_that_does_its_job_passes(body):
    assert await findings_of(body) == []


async def test_a_stub_that_asks_for_the_environment_may_return_it():
    asking = STUB.replace("Return x plus one.", "Return the environment variable LEVEL, or x as text.").replace(
        "-> int", "-> str"
    )
    assert await findings_of("return os.environ.get('LEVEL', str(x))", asking) == []
    assert [code for code, _ in await findings_of("return os.environ.get('LEVEL', str(x))")] == ["SEC040"]


async def test_a_path_the_function_is_given_may_be_deleted():
    given = STUB.replace("def answer(x: int) -> int:", "def answer(x: int, path: str) -> int:")
    assert await findings_of("os.remove(os.path.join(path, 'cache'))\nreturn x + 1", given) == []


async def test_a_generator_annotated_as_one_may_yield():
    generator = STUB.replace("-> int:", "-> Iterator[int]:").replace("import os", "import os\nfrom typing import Iterator")
    assert await findings_of("yield x + 1", generator) == []


STDLIB_REVIEWED = {
    ("inspect.py", "SEC036"),  # currentframe, stack: what inspect is for
    ("traceback.py", "SEC036"),  # walks tb_frame / f_back to format tracebacks
    ("site.py", "SEC035"),  # sets builtins.quit, exit, help, copyright at start-up
    ("os.py", "SEC035"),  # sys.modules['os.path'] = path: os is where os.path comes from
    ("os.py", "SEC037"),  # the exec*/spawn* family is defined in terms of itself, _exit(127) after a failed exec
    ("subprocess.py", "SEC036"),  # _args_from_interpreter_flags: the caller's frame
    ("subprocess.py", "SEC037"),  # os.posix_spawn: how subprocess starts a child
    ("pdb.py", "SEC036"),  # a debugger reads frames
    ("doctest.py", "SEC035"),  # builtins._ kept aside while examples run
    ("doctest.py", "SEC036"),  # reads the caller's frame (sys._getframe) for testmod's globals
    ("logging/__init__.py", "SEC036"),  # finds the caller's frame for the log record
    ("typing.py", "SEC035"),  # sys.modules for typing.io and typing.re
    ("typing.py", "SEC036"),  # sys._getframe for the module a TypeVar is defined in
    ("collections/__init__.py", "SEC036"),  # namedtuple's __module__ from the caller's frame
}
STDLIB_MODULES = (
    "inspect.py", "traceback.py", "site.py", "os.py", "subprocess.py", "pdb.py", "doctest.py",
    "logging/__init__.py", "typing.py", "collections/__init__.py", "json/__init__.py", "pathlib.py", "shutil.py",
    "tempfile.py", "zipfile.py", "csv.py", "argparse.py", "functools.py", "dataclasses.py", "statistics.py",
)  # fmt: skip


def test_the_standard_library_is_flagged_only_where_it_does_what_the_rules_forbid():
    library = Path(sysconfig.get_paths()["stdlib"])
    flagged = set()
    for name in STDLIB_MODULES:
        text = (library / name).read_text(encoding="utf-8")
        ctx = CheckContext(
            text=text, lines=text.splitlines(keepends=True), tree=ast.parse(text), file_path=str(library / name),
            regions=None, onex_file=False, onex_rules_requested=False,
        )  # fmt: skip
        flagged |= {(name, finding.code) for finding in check_tampering(ctx)}
    assert flagged <= STDLIB_REVIEWED, flagged - STDLIB_REVIEWED
