"""Fill at scale (issue 16): `nodegen worker` processes (concurrency 4 each) in a consumer group on a real broker
(Tansu) and a real PostgreSQL server, answered by a loopback OpenAI-compatible server with a fixed latency (300 ms).

For 1, 2 and 4 workers: stubs per second over a run of one-stub files, the ratio to the latency-bound ideal
(workers x 4 calls in flight / 0.3 s), the speed-up over one worker (target: 4 workers >= 3.2x), the CPU a stub
cost in each process (workers, their ruff runs, submitter, model server, broker, PostgreSQL) and how busy the cores
were (a run whose cores ran out is bound by them, not by the model). The start (until the group is stable) and a
warm-up run are timed apart, not in stubs/s; a worker that exits or never joins fails the benchmark with its exit
code and output. Then the Kafka round trip per file: the wall time of a one-file submit and collect minus the
worker's own fill time.

    python -m benchmarks.bench_workers
    NODEGEN_BENCH_MODEL_LATENCY_S=1.0 python -m benchmarks.bench_workers   # a slower model
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable
from pathlib import Path
from typing import TypeVar

from tests.support.kafka import TansuBroker
from tests.support.postgres import create_database, postgres_server
from tests.support.workers import (
    WorkerProcess,
    check_running,
    llm_server_process,
    make_project,
    start_worker,
    stop_worker,
    wait_until_joined,
)

from nodegen.settings import load_settings
from nodegen.worker import Submitter

from .harness import Timing

T = TypeVar("T")

LATENCY_S = float(os.environ.get("NODEGEN_BENCH_MODEL_LATENCY_S", "0.3"))
CONCURRENCY = 4
FILES_PER_SLOT = 10  # each call slot of the group gets this many files: a run is several latency rounds long
WORKERS = (1, 2, 4)
_OURS = ("workers", "ruff", "submitter", "model_server", "broker", "postgres")  # the CPU the measured run used
_LAST_WORKERS: list[str] = []  # which worker filled each file of the last run


def _cpu_seconds(pid: int, *, children: bool = False) -> float:
    """A process's CPU time (with ``children``: also that of its children it has waited for, ruff's runs)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if children else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def _machine_busy_seconds() -> float:
    """CPU seconds every process on the machine has used since boot (all cores)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # but idle and iowait


def _postgres_cpu_seconds() -> float:
    """Every PostgreSQL process on the machine (the benchmark's server and its backends; others' too, if any)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if "(postgres)" in text:
            total += _cpu_seconds(int(stat.parent.name))
    return total


async def _watched(work: Awaitable[T], processes: list[WorkerProcess]) -> T:
    """``work``, unless a worker exits first: then its exit code and output (a run would wait for it to time out)."""

    async def watch() -> None:
        while True:
            check_running(processes)
            await asyncio.sleep(0.5)

    task, watcher = asyncio.ensure_future(work), asyncio.ensure_future(watch())
    try:
        await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
        if watcher.done():
            watcher.result()  # raises WorkerFailedError
        return await task
    finally:
        task.cancel()
        watcher.cancel()


def _environment(database_url: str, bootstrap: str, server_url: str) -> dict[str, str]:
    return {
        "NODEGEN_DATABASE_URL": database_url,
        "NODEGEN_KAFKA_BOOTSTRAP": bootstrap,
        "NODEGEN_WORKER_GROUP_ID": f"bench-{uuid.uuid4().hex[:8]}",
        "NODEGEN_WORKER_SESSION_TIMEOUT_MS": "3000",
        "NODEGEN_WORKER_PARTITIONS": "16",
        "NODEGEN_WORKER_STOP_GRACE_S": "5",
        "NODEGEN_LLM": "openai:bench-model",
        "NODEGEN_LLM_CACHE": "false",
        "NODEGEN_LOG_LEVEL": "error",
        "OPENAI_BASE_URL": server_url,
        "OPENAI_API_KEY": "sk-bench",
    }


async def _fill(env: dict[str, str], project: Path, processes: list[WorkerProcess]) -> tuple[float, list[float]]:
    """Submit the project's files and wait for them; wall seconds and each file's worker time."""
    settings = load_settings(
        project,
        database_url=env["NODEGEN_DATABASE_URL"],
        kafka_bootstrap=env["NODEGEN_KAFKA_BOOTSTRAP"],
        worker_partitions=16,
        llm="openai:bench-model",
        llm_cache=False,
        validation_run_examples=False,
    )
    submitter = Submitter(settings)
    try:
        started = time.perf_counter()
        run = await submitter.submit([project / "src"], dry_run=True)
        result = await _watched(submitter.collect(run.run_id, timeout_s=600), processes)
        wall = time.perf_counter() - started
        assert result.success, [f.error for f in result.files if f.error]
        rows = await submitter.work.results(str(run.run_id))
    finally:
        await submitter.aclose()
    from nodegen.worker import ModelFillResult  # noqa: PLC0415

    _LAST_WORKERS[:] = [row.worker for row in rows]
    return wall, [ModelFillResult.model_validate_json(row.result_json).duration_s for row in rows]


def _phase(workers: int, server: tuple[str, int], server_pg: str, root: Path) -> dict[str, float]:
    server_url, server_pid = server
    broker = TansuBroker()
    broker.start()
    env = _environment(create_database(server_pg, f"bench_{uuid.uuid4().hex[:10]}"), broker.bootstrap, server_url)
    env["NODEGEN_VALIDATION_RUN_EXAMPLES"] = "false"
    processes: list[WorkerProcess] = []
    try:
        started = time.perf_counter()
        processes = [start_worker(root / f"w{workers}-{i}", env, concurrency=CONCURRENCY) for i in range(workers)]
        joined_s = asyncio.run(wait_until_joined(processes, broker.bootstrap, env["NODEGEN_WORKER_GROUP_ID"], 120.0))
        start_s = time.perf_counter() - started
        warm = make_project(root / f"warm{workers}", workers * CONCURRENCY)
        first_s, _ = asyncio.run(_fill(env, warm, processes))  # every member has joined and imported what it needs
        files = workers * CONCURRENCY * FILES_PER_SLOT
        project = make_project(root / f"run{workers}", files)
        broker_pid = broker._process.pid if broker._process else 0

        def cpu() -> dict[str, float]:
            return {
                "workers": sum(_cpu_seconds(p.pid) for p in processes),
                "ruff": sum(_cpu_seconds(p.pid, children=True) - _cpu_seconds(p.pid) for p in processes),
                "submitter": time.process_time(),
                "model_server": _cpu_seconds(server_pid),
                "broker": _cpu_seconds(broker_pid),
                "postgres": _postgres_cpu_seconds(),
                "machine": _machine_busy_seconds(),
            }

        before = cpu()
        wall, _ = asyncio.run(_fill(env, project, processes))
        used = {name: (seconds - before[name]) for name, seconds in cpu().items()}
        shares = sorted(_LAST_WORKERS.count(name) for name in set(_LAST_WORKERS))
        single = make_project(root / f"one{workers}", 1)
        trips, fills = [], []
        if workers == 1:
            for _ in range(8):
                one_wall, durations = asyncio.run(_fill(env, single, processes))
                trips.append(one_wall - durations[0])
                fills.append(durations[0] - LATENCY_S)
    finally:
        for process in processes:
            stop_worker(process)
        broker.stop()
    return {
        "files": files,
        "join_s": joined_s,
        "start_s": start_s,
        "first_run_s": first_s,
        "wall_s": wall,
        "stubs_per_s": files / wall,
        "ideal": workers * CONCURRENCY / LATENCY_S,
        **{f"cpu_{name}_ms": seconds / files * 1000 for name, seconds in used.items()},
        "machine_busy": used["machine"] / (wall * (os.cpu_count() or 1)),
        "fewest_files": shares[0],
        "most_files": shares[-1],
        "round_trip_ms": statistics.median(trips) * 1000 if trips else 0.0,
        "round_trip_p95_ms": sorted(trips)[-1] * 1000 if trips else 0.0,
        "fill_overhead_ms": statistics.median(fills) * 1000 if fills else 0.0,
    }


def measure() -> dict[int, dict[str, float]]:
    """Every phase's figures, by number of workers."""
    figures: dict[int, dict[str, float]] = {}
    with (
        tempfile.TemporaryDirectory(prefix="nodegen-bench-workers-") as folder,
        postgres_server() as server_pg,
        llm_server_process(LATENCY_S) as server,
    ):
        for workers in WORKERS:
            figures[workers] = _phase(workers, server, server_pg, Path(folder))
    return figures


def run() -> list[Timing]:
    """The figures as the benchmark report's rows (ms per stub; the note says stubs/s, ideal and speed-up)."""
    figures = measure()
    base = figures[WORKERS[0]]["stubs_per_s"]
    timings = []
    for workers, f in figures.items():
        speedup = f["stubs_per_s"] / base
        target = " (target >= 3.2x: " + ("met" if speedup >= 3.2 else "NOT met") + ")" if workers == 4 else ""
        ours = sum(f[f"cpu_{name}_ms"] for name in _OURS)
        note = (
            f"{f['stubs_per_s']:.1f} stubs/s, {f['stubs_per_s'] / f['ideal']:.0%} of the latency-bound ideal "
            f"{f['ideal']:.1f}; {speedup:.2f}x one worker{target}; CPU a stub {ours:.0f} ms: "
            + ", ".join(f"{name.replace('_', ' ')} {f[f'cpu_{name}_ms']:.1f}" for name in _OURS)
            + f" (all cores could do {(os.cpu_count() or 1) * 1000 / ours:.0f} stubs/s); cores busy during the run "
            f"{f['machine_busy']:.0%}, {f['cpu_machine_ms'] - ours:.0f} ms a stub by other processes; files a "
            f"worker: {int(f['fewest_files'])} to {int(f['most_files'])}; start: group stable after "
            f"{f['start_s']:.1f} s, first run of {workers * CONCURRENCY} files {f['first_run_s']:.1f} s (not measured)"
        )
        ms = 1000 / f["stubs_per_s"]
        name = f"workers: {workers} x concurrency {CONCURRENCY}, {int(f['files'])} files, {LATENCY_S:g} s model"
        timings.append(Timing(name, ms, ms, ms, 1, None, note))
    one = figures[WORKERS[0]]
    timings.append(
        Timing(
            "workers: Kafka round trip per file (submit to result, minus the fill)",
            one["round_trip_ms"],
            one["round_trip_p95_ms"],
            one["round_trip_ms"],
            8,
            None,
            "publish, consume, store result and event, collect (a dry run: no local write)",
        )
    )
    timings.append(
        Timing(
            "workers: a worker's own time per one-stub file beyond the model's answer",
            one["fill_overhead_ms"],
            one["fill_overhead_ms"],
            one["fill_overhead_ms"],
            8,
            None,
            "extract, prompt, validate, dry-run inject, attempts and metrics to PostgreSQL",
        )
    )
    return timings


def main() -> None:
    for timing in run():
        print(f"{timing.name}: {timing.median_ms:.1f} ms (max {timing.p95_ms:.1f}) - {timing.note}")


if __name__ == "__main__":
    main()
