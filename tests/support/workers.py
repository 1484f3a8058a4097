"""Helpers of the worker tests and benchmark: a project of small stub files, a responder that fills them, and
`nodegen worker` processes."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient

from tests.support.llm_server import Received, Reply, ScriptedLLMServer

ROOT = Path(__file__).resolve().parent.parent.parent

STUB = '''"""Module {i}."""


def add_{i}(a: int, b: int) -> int:
    """Return a + b + {i}."""
    # IMPLEMENTATION REQUIRED
    raise NotImplementedError
'''
_TARGET = re.compile(r"\badd_(\d+)\b")  # each file has one function: its name anywhere in the prompt


def make_project(root: Path, files: int) -> Path:
    """``root/src/f_NN.py``: one stub each."""
    (root / "src").mkdir(parents=True)
    for i in range(files):
        (root / "src" / f"f_{i:02d}.py").write_text(STUB.format(i=i))
    return root


def responder(delay_s: float = 0.0) -> Callable[[Received], Reply]:
    """Answers every stub of ``make_project`` with its body, after ``delay_s``."""

    def answer(received: Received) -> Reply:
        found = _TARGET.search(received.last_user_text)
        if found is None:
            return Reply(text="pass", delay_s=delay_s)
        i = found.group(1)
        return Reply(
            text=f"```python\ndef add_{i}(a: int, b: int) -> int:\n    return a + b + {i}\n```",
            delay_s=delay_s,
            input_tokens=200,
            output_tokens=20,
        )

    return answer


def nodegen_script() -> str:
    return str(Path(sys.executable).parent / "nodegen")


class WorkerProcess(subprocess.Popen[bytes]):
    """A `nodegen worker` process and the file its stdout and stderr go to."""

    def __init__(self, where: Path, env: dict[str, str], concurrency: int) -> None:
        where.mkdir(parents=True, exist_ok=True)
        self.log = where / "worker.log"
        with self.log.open("wb") as log:
            super().__init__(
                [nodegen_script(), "worker", "--concurrency", str(concurrency), "--workdir", str(where / "work")],
                cwd=where,
                env={**os.environ, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def log_tail(self, lines: int = 15) -> str:
        """The last ``lines`` lines the worker wrote (its errors and tracebacks)."""
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.rstrip().splitlines()[-lines:])

    def describe(self) -> str:
        """Its pid, whether it still runs (or its exit code) and the tail of its output."""
        code = self.poll()
        state = "still running" if code is None else f"exited with code {code}"
        tail = self.log_tail()
        return f"worker {self.pid} {state}; its output ends:\n{tail}" if tail else f"worker {self.pid} {state}"


class WorkerFailedError(RuntimeError):
    """A worker exited early or did not join its group in time."""


def start_worker(where: Path, env: dict[str, str], *, concurrency: int = 2) -> WorkerProcess:
    """A `nodegen worker` process working in ``where`` (its output in ``where/worker.log``)."""
    return WorkerProcess(where, env, concurrency)


def check_running(processes: list[WorkerProcess]) -> None:
    """``WorkerFailedError`` naming the first worker that has exited, with its exit code and output."""
    for process in processes:
        if process.poll() is not None:
            raise WorkerFailedError(process.describe())


async def wait_until_joined(
    processes: list[WorkerProcess], bootstrap: str, group: str, timeout_s: float = 60.0
) -> float:
    """Until the group is stable with every worker in it; the seconds it took. A worker that exits meanwhile, or a
    group still short of members at ``timeout_s``, raises ``WorkerFailedError`` with the workers' exit codes and
    output (not a bare timeout)."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    state, members = "unknown", 0
    try:
        while loop.time() - started < timeout_s:
            check_running(processes)
            (described,) = (await admin.describe_consumer_groups([group]))[0].groups
            state, members = described[2], len(described[5])
            if state == "Stable" and members == len(processes):
                return loop.time() - started
            await asyncio.sleep(0.25)
    finally:
        await admin.close()
    check_running(processes)
    details = "\n".join(process.describe() for process in processes)
    raise WorkerFailedError(
        f"group {group} is {state} with {members} of {len(processes)} members after {timeout_s:g} s:\n{details}"
    )


def stop_worker(process: subprocess.Popen[bytes], timeout_s: float = 15.0) -> int:
    """SIGTERM, then the exit code (killed if it does not stop in time)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return -999


def serve_forever(delay_s: float) -> None:
    """Serve ``responder(delay_s)`` in this process until killed; the OpenAI URL is printed first."""

    async def main() -> None:
        async with ScriptedLLMServer(responder(delay_s)) as server:
            print(server.openai_url, flush=True)
            await asyncio.Event().wait()

    asyncio.run(main())


@contextmanager
def llm_server_process(delay_s: float) -> Iterator[tuple[str, int]]:
    """The loopback server in a process of its own (so that it does not share a core's GIL with the measured
    client); yields its OpenAI URL and process id."""
    process = subprocess.Popen(
        [sys.executable, "-c", f"from tests.support.workers import serve_forever; serve_forever({delay_s!r})"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip(), process.pid
    finally:
        process.terminate()
        process.wait(10)
