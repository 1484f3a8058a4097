"""Run one command as a child and make sure nothing it started outlives it: the fallback of nodegen's sandbox when
bubblewrap cannot be used (see ``sandbox.py``). Not imported by nodegen: it runs as its own process,
``python -I -S sandbox_reaper.py MEMORY_BYTES CPU_SECONDS FILE_BYTES -- COMMAND...``, with the standard library only.

It limits itself (address space, CPU time, file size, no core dumps; the command inherits the limits), becomes a
child subreaper (processes the command starts and abandons, even daemons that ``setsid`` and double-fork, are
re-parented to it instead of to init), waits for the command, then kills and reaps every process left below it. On
SIGTERM (nodegen's time limit) or when its parent dies it does the same at once. Its exit code is the command's
(128 + N when a signal N ended it).
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import sys
from pathlib import Path

_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36
_ROUNDS = 200  # kill-and-reap passes before giving up on a process tree that keeps forking


def _children() -> list[int]:
    """The processes whose parent is this one (read from /proc; none where there is no /proc)."""
    me = os.getpid()
    found: list[int] = []
    try:
        entries = [entry.name for entry in Path("/proc").iterdir() if entry.name.isdigit()]
    except OSError:
        return found
    for entry in entries:
        try:
            stat = Path(f"/proc/{entry}/stat").read_bytes()
        except OSError:
            continue
        # "pid (command name) state ppid ...": the name may hold spaces and parentheses, so split after the last ")"
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 1 and int(fields[1]) == me:
            found.append(int(entry))
    return found


def _kill_everything_below() -> None:
    for _ in range(_ROUNDS):
        children = _children()
        if not children:
            return
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def _on_term(_signum: int, _frame: object) -> None:
    _kill_everything_below()
    os._exit(128 + signal.SIGKILL)


def _become_reaper() -> None:
    try:
        import ctypes  # noqa: PLC0415 - only this fallback needs it, and only on Linux

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        return  # no prctl: the process group is still killed by nodegen


def _limit(memory: int, cpu: int, file_size: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(argv: list[str]) -> int:
    """Run ``argv``'s command under the limits it names; returns the command's exit code."""
    try:
        separator = argv.index("--")
        memory, cpu, file_size = (int(value) for value in argv[1:separator])
        command = argv[separator + 1 :]
    except ValueError:
        sys.stderr.write("usage: sandbox_reaper.py MEMORY_BYTES CPU_SECONDS FILE_BYTES -- COMMAND...\n")
        return 2
    if not command:
        sys.stderr.write("sandbox_reaper.py: no command\n")
        return 2
    signal.signal(signal.SIGTERM, _on_term)
    _become_reaper()
    if os.getppid() == 1:  # nodegen died before the death signal was armed
        return 128 + signal.SIGTERM
    _limit(memory, cpu, file_size)
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(command[0], command)  # noqa: S606 - running the command is this program's job
        except OSError as error:
            sys.stderr.write(f"sandbox: cannot run {command[0]}: {error}\n")
        os._exit(127)
    _, status = os.waitpid(pid, 0)
    _kill_everything_below()
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
