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


def start_worker(where: Path, env: dict[str, str], *, concurrency: int = 2) -> subprocess.Popen[bytes]:
    """A `nodegen worker` process working in ``where`` (its log in ``where/worker.log``)."""
    where.mkdir(parents=True, exist_ok=True)
    log = (where / "worker.log").open("wb")
    return subprocess.Popen(
        [nodegen_script(), "worker", "--concurrency", str(concurrency), "--workdir", str(where / "work")],
        cwd=where,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
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
