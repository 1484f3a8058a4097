"""The sandbox for generated code, with real processes: under bubblewrap nothing the code writes outside its work
folder survives, it sees no key and no network, nothing it starts outlives the run, and every limit holds; the
fallback (no bubblewrap) still scrubs the environment, limits the run and kills the whole tree."""

from __future__ import annotations

import socket
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from nodegen.infra.sandbox import ModelSandboxLimits, run_sandboxed, sandbox_environment, sandbox_isolates

pytestmark = pytest.mark.skipif(not sandbox_isolates(), reason="bubblewrap cannot create namespaces here")

FAST = ModelSandboxLimits(timeout_s=10.0)


def python(code: str) -> list[str]:
    return [sys.executable, "-I", "-S", "-c", code]


def process_with_marker(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


async def test_a_write_to_tmp_is_private_to_the_run(tmp_path):
    name = f"/tmp/nodegen-sandbox-test-{uuid.uuid4().hex}"
    result = await run_sandboxed(python(f"open({name!r}, 'w').write('x'); print(open({name!r}).read())"), work_dir=tmp_path)
    assert result.ok and result.sandboxed and result.stdout == "x\n"
    assert not Path(name).exists()


async def test_writes_to_home_and_outside_the_work_folder_do_not_reach_them(tmp_path):
    home_file = Path.home() / f"nodegen-sandbox-test-{uuid.uuid4().hex}"
    outside = Path("/var/tmp") / f"nodegen-sandbox-outside-{uuid.uuid4().hex}"
    code = (
        "import pathlib\n"
        f"pathlib.Path({str(home_file)!r}).write_text('home')\n"
        "try:\n"
        f"    pathlib.Path({str(outside)!r}).write_text('outside')\n"
        "except OSError as error:\n"
        "    print('refused', error.errno)\n"
        "pathlib.Path('inside.txt').write_text('kept')\n"
    )
    work = tmp_path / "work"
    work.mkdir()
    result = await run_sandboxed(python(code), work_dir=work)
    assert result.ok, result.stderr
    assert "refused 2" in result.stdout  # ENOENT: the host's /var is not in the sandbox at all
    assert not home_file.exists() and not outside.exists()
    assert (work / "inside.txt").read_text() == "kept"


async def test_the_host_s_secrets_and_its_other_folders_are_not_there(tmp_path, monkeypatch):
    # The probe: inside bubblewrap the examples ran as uid 0 over the whole host read-only, and read the project's
    # .env (on sys.path) and /etc/shadow. Then every folder on sys.path was bound whole: a project root on the path
    # showed its notes and data; now only what can be imported from it is there.
    project = tmp_path / "project"
    (project / "pkg").mkdir(parents=True)
    (project / "pkg" / "module.py").write_text("VALUE = 1\n")
    (project / "helper.py").write_text("HELP = 2\n")
    (project / "spaces").mkdir()  # a namespace package: modules, no __init__
    (project / "spaces" / "leaf.py").write_text("LEAF = 3\n")
    (project / ".env").write_text("API_KEY=sk-live-0123456789abcdef\n")
    (project / "notes.txt").write_text("the customer list\n")
    (project / "data").mkdir()
    (project / "data" / "customers.csv").write_text("name,card\n")
    (project / "pkg" / "deploy.pem").write_text("-----BEGIN PRIVATE KEY-----\n")
    (project / ".nodegen").mkdir()
    (project / ".nodegen" / "state.db").write_text("prompts and answers")
    on_path = tmp_path / "on-path"  # a folder this interpreter imports from (an editable install's src)
    (on_path / "tool").mkdir(parents=True)
    (on_path / "tool" / "__init__.py").write_text("TOOL = 4\n")
    (on_path / "TODO.md").write_text("rotate the keys\n")
    monkeypatch.syspath_prepend(str(on_path))
    elsewhere = tmp_path / "other-project"
    elsewhere.mkdir()
    code = (
        "import os, sys\n"
        f"sys.path[:0] = [{str(project)!r}, {str(on_path)!r}]\n"
        "from pkg import module\n"
        "import helper, spaces.leaf, tool\n"
        "def read(path):\n"
        "    try:\n"
        "        return len(open(path).read())  # an empty file\n"
        "    except OSError as error:\n"
        "        return 0 if error.errno in (2, 13) else error.errno  # not there, or not readable\n"
        f"print(module.VALUE, os.getuid(), read({str(project / '.env')!r}), read({str(project / 'pkg' / 'deploy.pem')!r}))\n"
        f"print(read('/etc/shadow'), os.path.exists({str(project / '.nodegen' / 'state.db')!r}))\n"
        f"print(os.path.exists({str(elsewhere)!r}), os.path.exists('/var'), os.path.exists('/srv'))\n"
        "print(helper.HELP, spaces.leaf.LEAF, tool.TOOL)\n"
        f"print(*(os.path.exists(p) for p in {[str(project / 'notes.txt'), str(project / 'data'), str(on_path / 'TODO.md')]!r}))\n"
    )
    work = tmp_path / "work"
    work.mkdir()
    result = await run_sandboxed(python(code), work_dir=work, read_only=[project])
    assert result.ok, result.stderr
    assert result.stdout.split("\n")[:5] == [
        "1 65534 0 0",
        "0 False",
        "False False False",
        "2 3 4",
        "False False False",
    ]


async def test_files_elsewhere_read_only_and_the_home_folder_is_empty(tmp_path):
    secret = Path.home() / f".nodegen-sandbox-credentials-{uuid.uuid4().hex}"
    secret.write_text("s3cret")
    try:
        code = f"import os; print(open('/etc/hostname').read() != ''); print(os.path.exists({str(secret)!r}))"
        result = await run_sandboxed(python(code), work_dir=tmp_path)
    finally:
        secret.unlink()
    assert result.stdout.split() == ["True", "False"]


async def test_the_environment_holds_no_key(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-must-not-leak")
    monkeypatch.setenv("NODEGEN_LLM_API_KEY", "sk-nodegen")
    result = await run_sandboxed(python("import os; print(sorted(os.environ.items()))"), work_dir=tmp_path)
    assert result.ok
    assert "sk-test" not in result.stdout and "sk-nodegen" not in result.stdout and "OPENAI" not in result.stdout


def test_a_secret_looking_variable_is_refused_for_the_environment():
    with pytest.raises(ValueError, match="ANTHROPIC_API_KEY"):
        sandbox_environment("/home", "/tmp", {"ANTHROPIC_API_KEY": "x"})


async def test_there_is_no_network(tmp_path):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    accepted: list[object] = []
    server.settimeout(3)

    def accept() -> None:
        try:
            accepted.append(server.accept())
        except OSError:
            return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    code = (
        "import socket\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=2); print('connected')\n"
        "except OSError as error:\n"
        "    print('refused', type(error).__name__)\n"
    )
    result = await run_sandboxed(python(code), work_dir=tmp_path)
    thread.join(4)
    server.close()
    assert result.stdout.startswith("refused") and not accepted


@pytest.mark.parametrize("sandboxed", [True, False], ids=["bubblewrap", "fallback"])
async def test_background_and_daemonized_processes_do_not_outlive_the_run(tmp_path, sandboxed):
    marker = f"nodegen-orphan-{uuid.uuid4().hex}"
    code = (
        "import os, subprocess\n"
        f"subprocess.Popen(['sh', '-c', 'sleep 1000 # {marker}'])\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        f"        os.execvp('sh', ['sh', '-c', 'sleep 1000 # {marker}'])\n"
        "    os._exit(0)\n"
        "print('started')\n"
    )
    result = await run_sandboxed(python(code), work_dir=tmp_path, bwrap="auto" if sandboxed else None)
    assert result.stdout == "started\n" and result.sandboxed is sandboxed
    time.sleep(0.2)
    assert process_with_marker(marker) == []


@pytest.mark.parametrize("sandboxed", [True, False], ids=["bubblewrap", "fallback"])
async def test_an_endless_loop_is_stopped_at_the_time_limit(tmp_path, sandboxed):
    marker = f"nodegen-loop-{uuid.uuid4().hex}"
    code = f"import subprocess; subprocess.Popen(['sh', '-c', 'sleep 1000 # {marker}'])\nwhile True: pass"
    started = time.perf_counter()
    result = await run_sandboxed(
        python(code), work_dir=tmp_path, limits=ModelSandboxLimits(timeout_s=1.0), bwrap="auto" if sandboxed else None
    )
    assert result.timed_out and result.exit_code is None and "time limit of 1 s" in result.note
    assert time.perf_counter() - started < 5
    time.sleep(0.2)
    assert process_with_marker(marker) == []


async def test_a_flood_of_output_is_cut_and_the_run_stopped(tmp_path):
    limits = ModelSandboxLimits(timeout_s=20.0, output_bytes=10_000)
    result = await run_sandboxed(python("while True: print('x' * 1000)"), work_dir=tmp_path, limits=limits)
    assert result.output_truncated and not result.timed_out and len(result.stdout) == 10_000
    assert "cut there" in result.note


async def test_a_memory_hog_is_stopped(tmp_path):
    limits = ModelSandboxLimits(timeout_s=20.0, memory_mb=256)
    result = await run_sandboxed(python("x = bytearray(1024 ** 3); print('allocated')"), work_dir=tmp_path, limits=limits)
    assert result.exit_code != 0 and "allocated" not in result.stdout and "MemoryError" in result.stderr


async def test_the_fallback_scrubs_the_environment_says_so_and_keeps_limits(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-must-not-leak")
    code = "import os; print(os.environ.get('OPENAI_API_KEY'), os.environ['HOME'] != os.path.expanduser('~root'))"
    result = await run_sandboxed(python(code), work_dir=tmp_path, bwrap=None)
    assert result.ok and not result.sandboxed and result.stdout.split() == ["None", "True"]
    assert "not sandboxed" in result.note and "not isolated" in result.note
    hog = await run_sandboxed(
        python("x = bytearray(1024 ** 3)"), work_dir=tmp_path, limits=ModelSandboxLimits(memory_mb=256), bwrap=None
    )
    assert hog.exit_code != 0 and "MemoryError" in hog.stderr


async def test_without_bubblewrap_nothing_runs_unless_running_unsandboxed_is_allowed(tmp_path):
    marker = tmp_path / "ran"
    code = python(f"open({str(marker)!r}, 'w').write('x'); print('ran')")
    refused = await run_sandboxed(code, work_dir=tmp_path, bwrap=str(tmp_path / "no-bwrap"))
    assert refused.refused and not refused.ok and refused.exit_code is None and not marker.exists()
    assert "could not start" in refused.note and "NODEGEN_ALLOW_UNSANDBOXED_CODE=true" in refused.note
    allowed = ModelSandboxLimits(unsandboxed=True)
    result = await run_sandboxed(code, work_dir=tmp_path, bwrap=str(tmp_path / "no-bwrap"), limits=allowed)
    assert result.ok and not result.sandboxed and not result.refused and marker.exists()
    assert "could not start" in result.note and "not isolated" in result.note
