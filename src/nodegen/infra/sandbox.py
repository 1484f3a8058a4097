"""The one place nodegen runs generated code (a stub's docstring examples against a candidate, a new package's tests).

Under bubblewrap (``bwrap``) the command runs as ``nobody`` and sees, read-only, only the system's folders, the
interpreter's and the folders it is given, their secrets masked (``sandbox_view``), and one writable work folder;
/tmp and the home folder are private, empty tmpfs (the interpreter's own folders are bound back read-only where they
live there); it has no network (a network namespace with only loopback),
its own PID namespace, session and IPC (the whole tree dies with the run: the namespace's first process is killed
with bwrap), no capabilities, and an environment of a few scrubbed variables (never an API key, token, secret,
password or nodegen setting). Limits: wall time (the tree is killed), CPU time, address space, file size, and the
bytes read from stdout and stderr (the tree is killed once either passes it, and the result says so).

Where bubblewrap is missing or cannot create namespaces, the command is not run (``refused``, and the note says how
to install bubblewrap or allow the fallback) unless its limits allow running unsandboxed (the user's
``allow_unsandboxed_code``) or the caller asks for the fallback (``bwrap=None``). Then it runs as a plain child
process under ``sandbox_reaper.py``, with the same limits and environment, a private home and /tmp
(``HOME``/``TMPDIR``), its own session, and every process it leaves behind killed at the end; its file system and
network are then NOT isolated, and the result says so (``sandboxed=False`` and a note). Generated code never runs in
nodegen's own process.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from .sandbox_models import ModelSandboxLimits, ModelSandboxResult, SandboxSettings, limits_from
from .sandbox_view import SYSTEM, importable, masks, outermost, system_mounts, under

AUTO = "auto"
"""``bwrap=AUTO``: bubblewrap from PATH when it works here, else the fallback if the limits allow it."""

_SECRET_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH|COOKIE|SESSION|^NODEGEN_", re.IGNORECASE)
_REAPER = Path(__file__).with_name("sandbox_reaper.py")
_GRACE_S = 2.0  # for the tree to go and the pipes to close once the command is over
_CHUNK = 65536
_MB = 1024 * 1024


def _bwrap_isolation(file_bytes: int) -> list[str]:
    """The namespaces and the file system every sandboxed command gets (mounts that follow go on top): the system
    folders read-only (``sandbox_view``), no other folder of the host, and an unprivileged user."""
    return [
        *system_mounts(),
        "--dev", "/dev",
        "--proc", "/proc",
        "--size", str(file_bytes), "--tmpfs", "/tmp",  # noqa: S108 - a private tmpfs, not the host's /tmp
        "--unshare-all",
        "--unshare-user", "--uid", "65534", "--gid", "65534",  # nobody: never root, even where nodegen is
        "--die-with-parent",
        "--new-session",
        "--cap-drop", "ALL",
    ]  # fmt: skip


@functools.cache
def _probe(bwrap: str) -> str | None:
    """None when ``bwrap`` can create its namespaces here, else why not (asked once per process)."""
    true = shutil.which("true") or "/bin/true"
    try:
        done = subprocess.run(  # noqa: S603 - a fixed command line
            [bwrap, *_bwrap_isolation(_MB), "--", true], capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"{bwrap} could not start ({error})"
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return f"{bwrap} cannot create its namespaces here ({reason[-1] if reason else f'exit {done.returncode}'})"
    return None


def find_bubblewrap(bwrap: str | None = AUTO) -> tuple[str | None, str]:
    """The bubblewrap binary to use and ``""``, or None and why there is none (``bwrap=None``: the fallback)."""
    if bwrap is None:
        return None, "bubblewrap was not asked for"
    path = shutil.which("bwrap") if bwrap == AUTO else bwrap
    if path is None:
        return None, "bubblewrap (bwrap) is not installed (Debian: apt-get install bubblewrap)"
    problem = _probe(path)
    return (None, problem) if problem else (path, "")


def sandbox_isolates(bwrap: str | None = AUTO) -> bool:
    """Whether runs with this ``bwrap`` choice are really sandboxed (bubblewrap present and working)."""
    return find_bubblewrap(bwrap)[0] is not None


def sandbox_environment(home: str, tmp: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The whole environment of a sandboxed command: PATH, HOME, TMPDIR, LANG, no bytecode writes, and ``extra``.

    Raises ``ValueError`` for an ``extra`` name that looks like a secret (key, token, password, ...) or a nodegen
    setting: the caller must not hand those to generated code.
    """
    environment = {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": tmp,
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    for name, value in (extra or {}).items():
        if _SECRET_NAME.search(name):
            raise ValueError(f"the sandbox environment may not carry {name}: it looks like a secret or a setting")
        environment[name] = value
    return environment


def _prefixes() -> list[Path]:
    """The interpreter's own trees (its standard library, its site-packages): shown whole, they hold no secrets."""
    candidates = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix]
    return [Path(os.path.realpath(entry)) for entry in candidates]


def _import_paths(given: Sequence[Path]) -> list[Path]:
    """Where this interpreter and its imports live (they stay readable even where a private tmpfs covers them):
    its own trees whole; of every other folder it imports from, and of the folders the caller gives, what can be
    imported (``sandbox_view.importable``)."""
    prefixes = _prefixes()
    executable = Path(os.path.realpath(Path(sys.executable).resolve().parent))
    folders = [Path(os.path.realpath(entry)) for entry in sys.path if entry]
    shown: list[Path] = [*prefixes, executable]
    for folder in [*folders, *given]:
        shown += [folder] if under(folder, [*prefixes, *SYSTEM]) else importable(folder)
    return shown


def _home() -> Path | None:
    home = Path.home()
    return home if home.is_absolute() and home.is_dir() and home != Path("/") else None


def _bwrap_argv(
    bwrap: str,
    command: Sequence[str],
    *,
    work: Path,
    limits: ModelSandboxLimits,
    read_only: Sequence[Path],
    env: dict[str, str],
) -> list[str]:
    file_bytes = limits.file_mb * _MB
    argv = [bwrap, *_bwrap_isolation(file_bytes)]
    home = _home()
    if home is not None and Path("/tmp") not in home.parents:  # noqa: S108 - the sandbox's private tmpfs
        argv += ["--size", str(file_bytes), "--tmpfs", str(home)]
    elif home is not None:
        argv += ["--dir", str(home)]
    given = [Path(os.path.realpath(p)) for p in read_only]
    bound = [p for p in outermost(_import_paths(given)) if not under(p, [*SYSTEM, work])]
    for path in bound:
        argv += ["--ro-bind", str(path), str(path)]
    argv += masks([p for p in bound if not under(p, _prefixes())], work)  # the interpreter's own trees hold none
    argv += ["--bind", str(work), str(work), "--clearenv"]
    for name, value in env.items():
        argv += ["--setenv", name, value]
    return [*argv, "--chdir", str(work), "--", *command]


def _prlimit(limits: ModelSandboxLimits) -> list[str] | None:
    prlimit = shutil.which("prlimit")
    if prlimit is None:
        return None
    memory = limits.memory_mb * _MB
    return [
        prlimit,
        f"--as={memory}",
        f"--cpu={limits.cpu_s}:{limits.cpu_s + 1}",
        f"--fsize={limits.file_mb * _MB}",
        "--core=0",
        "--",
    ]


def _limit_self(limits: ModelSandboxLimits) -> None:
    """In the child, before bwrap starts, where there is no prlimit(1)."""
    memory = limits.memory_mb * _MB
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_mb * _MB, limits.file_mb * _MB))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


async def _read_capped(stream: asyncio.StreamReader | None, into: bytearray, cap: int, flooded: asyncio.Event) -> None:
    if stream is None:
        return
    while chunk := await stream.read(_CHUNK):
        room = max(0, cap - len(into))
        into += chunk[:room]
        if len(chunk) > room:
            flooded.set()  # the run is stopped; reading on (and dropping) until the pipe closes lets the
            # subprocess transport see it close, which its wait() needs


async def _stop(process: asyncio.subprocess.Process, *, reaper: bool) -> None:
    """Kill the run's whole tree: bwrap's PID namespace dies with it; the fallback's reaper kills what is below it."""
    if reaper and process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), _GRACE_S)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    await process.wait()


async def _execute(
    argv: list[str],
    *,
    env: dict[str, str],
    cwd: Path,
    limits: ModelSandboxLimits,
    reaper: bool,
    preexec: Callable[[], None] | None,
) -> tuple[int | None, bytes, bytes, bool, bool]:
    process = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=cwd,
        start_new_session=True,
        preexec_fn=preexec,  # only resource limits, and only where prlimit(1) is missing
    )
    out, err = bytearray(), bytearray()
    flooded = asyncio.Event()
    readers = [
        asyncio.create_task(_read_capped(process.stdout, out, limits.output_bytes, flooded)),
        asyncio.create_task(_read_capped(process.stderr, err, limits.output_bytes, flooded)),
    ]
    waiter = asyncio.create_task(process.wait())
    flood = asyncio.create_task(flooded.wait())
    try:
        await asyncio.wait({waiter, flood}, timeout=limits.timeout_s, return_when=asyncio.FIRST_COMPLETED)
        cut = not waiter.done()
        await _stop(process, reaper=reaper)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*readers), _GRACE_S)
    finally:
        for task in (*readers, flood, waiter):
            task.cancel()
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
    timed_out = cut and not flooded.is_set()
    return (None if cut else process.returncode), bytes(out), bytes(err), timed_out, flooded.is_set()


async def run_sandboxed(
    command: Sequence[str],
    *,
    work_dir: Path,
    limits: ModelSandboxLimits | None = None,
    read_only: Sequence[Path] = (),
    env: Mapping[str, str] | None = None,
    bwrap: str | None = AUTO,
) -> ModelSandboxResult:
    """Run ``command`` in ``work_dir`` (its only writable folder), isolated as the module docstring says.

    ``read_only``: folders the command imports from (the stub's folder, its import root), shown read-only even where
    a private tmpfs covers them (/tmp, the home folder): what can be imported from them, not their other files.
    ``env``: variables added to the scrubbed environment (``ValueError`` for secret-looking names).
    ``bwrap``: ``AUTO``, a path to a bubblewrap binary, or None to force the fallback.
    """
    limits = limits or ModelSandboxLimits()
    work = Path(os.path.realpath(work_dir))
    if not work.is_dir():
        raise ValueError(f"the sandbox's work folder {work_dir} does not exist")
    if not command:
        raise ValueError("no command to run in the sandbox")
    binary, missing = find_bubblewrap(bwrap)
    if binary is None and bwrap is not None and not limits.unsandboxed:
        return ModelSandboxResult(exit_code=None, sandboxed=False, refused=True, note=no_sandbox_note(missing))
    started = time.perf_counter()
    if binary is not None:
        home = _home()
        environment = sandbox_environment(str(home or "/tmp"), "/tmp", env)  # noqa: S108 - the private tmpfs
        prlimit = _prlimit(limits)
        inner = _bwrap_argv(binary, command, work=work, limits=limits, read_only=read_only, env=environment)
        argv = [*(prlimit or []), *inner]
        preexec = None if prlimit else functools.partial(_limit_self, limits)
        outcome = await _execute(argv, env=environment, cwd=work, limits=limits, reaper=False, preexec=preexec)
    else:
        private = Path(tempfile.mkdtemp(prefix="nodegen-sandbox-"))
        try:
            (private / "home").mkdir()
            (private / "tmp").mkdir()
            environment = sandbox_environment(str(private / "home"), str(private / "tmp"), env)
            sizes = [str(limits.memory_mb * _MB), str(limits.cpu_s), str(limits.file_mb * _MB)]
            argv = [sys.executable, "-I", "-S", str(_REAPER), *sizes, "--", *command]
            outcome = await _execute(argv, env=environment, cwd=work, limits=limits, reaper=True, preexec=None)
        finally:
            shutil.rmtree(private, ignore_errors=True)
    exit_code, out, err, timed_out, truncated = outcome
    return ModelSandboxResult(
        exit_code=exit_code,
        stdout=out.decode("utf-8", "replace"),
        stderr=err.decode("utf-8", "replace"),
        timed_out=timed_out,
        output_truncated=truncated,
        sandboxed=binary is not None,
        note=_note(exit_code, timed_out, truncated, limits, missing),
        duration_ms=(time.perf_counter() - started) * 1000.0,
    )


def no_sandbox_note(missing: str) -> str:
    """Why a command was not run, and the two ways to have it run."""
    return (
        f"not run: {missing}, and nodegen runs generated and example code only in its sandbox; install bubblewrap "
        "(Debian: apt-get install bubblewrap), or let such code run unisolated on this machine with "
        "allow_unsandboxed_code = true (NODEGEN_ALLOW_UNSANDBOXED_CODE=true): its file system and network are then "
        "NOT isolated"
    )


def _note(exit_code: int | None, timed_out: bool, truncated: bool, limits: ModelSandboxLimits, missing: str) -> str:
    notes: list[str] = []
    if timed_out:
        notes.append(f"stopped at its time limit of {limits.timeout_s:g} s")
    if truncated:
        notes.append(f"its output passed {limits.output_bytes} bytes, so it was cut there and the run stopped")
    if exit_code is not None and exit_code > 128:
        number = exit_code - 128
        name = signal.Signals(number).name if number in signal.valid_signals() else str(number)
        notes.append(f"ended by signal {name} (a limit of {limits.memory_mb} MB memory or CPU time may have hit)")
    if missing:
        notes.append(
            f"not sandboxed: {missing}; it ran as a plain child process with time, memory and output limits, a "
            "scrubbed environment and a private HOME and TMPDIR, but its file system and network were not isolated"
        )
    return "; ".join(notes)


__all__ = [
    "AUTO",
    "ModelSandboxLimits",
    "ModelSandboxResult",
    "SandboxSettings",
    "find_bubblewrap",
    "limits_from",
    "no_sandbox_note",
    "run_sandboxed",
    "sandbox_environment",
    "sandbox_isolates",
]
