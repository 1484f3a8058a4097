"""Fill at scale (issue 16): `nodegen worker` processes (concurrency 4 each) in a consumer group on a real broker
(Tansu) and a real PostgreSQL server, answered by a loopback OpenAI-compatible server with a fixed latency (300 ms).

For 1, 2 and 4 workers: stubs per second over a run of one-stub files, the ratio to the latency-bound ideal
(workers x 4 calls in flight / 0.3 s), the speed-up over one worker (target: 4 workers >= 3.2x), and the CPU the
workers used per stub (what bounds them when the cores run out). Then the Kafka round trip per file: the wall time
of a one-file submit and collect minus the worker's own fill time.

    python -m benchmarks.bench_workers
    NODEGEN_BENCH_MODEL_LATENCY_S=1.0 python -m benchmarks.bench_workers   # a slower model
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient
from tests.support.kafka import TansuBroker
from tests.support.postgres import create_database, postgres_server
from tests.support.workers import llm_server_process, make_project, start_worker, stop_worker

from nodegen.settings import load_settings
from nodegen.worker import Submitter

from .harness import Timing

LATENCY_S = float(os.environ.get("NODEGEN_BENCH_MODEL_LATENCY_S", "0.3"))
CONCURRENCY = 4
FILES_PER_SLOT = 10  # each call slot of the group gets this many files: a run is several latency rounds long
WORKERS = (1, 2, 4)
_LAST_WORKERS: list[str] = []  # which worker filled each file of the last run


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


async def _members_joined(bootstrap: str, group: str, members: int, timeout_s: float = 120.0) -> None:
    """Until the group is stable with every worker in it: a member joining later would stop the whole group for a
    rebalance in the middle of the measured run."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        async with asyncio.timeout(timeout_s):
            while True:
                (described,) = (await admin.describe_consumer_groups([group]))[0].groups
                if described[2] == "Stable" and len(described[5]) == members:
                    return
                await asyncio.sleep(0.5)
    finally:
        await admin.close()


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


async def _fill(env: dict[str, str], project: Path) -> tuple[float, list[float]]:
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
        result = await submitter.collect(run.run_id, timeout_s=600)
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
    processes: list[subprocess.Popen[bytes]] = []
    try:
        processes = [start_worker(root / f"w{workers}-{i}", env, concurrency=CONCURRENCY) for i in range(workers)]
        asyncio.run(_members_joined(broker.bootstrap, env["NODEGEN_WORKER_GROUP_ID"], workers))
        warm = make_project(root / f"warm{workers}", workers * CONCURRENCY)
        asyncio.run(_fill(env, warm))  # every member has joined and imported what it needs
        files = workers * CONCURRENCY * FILES_PER_SLOT
        project = make_project(root / f"run{workers}", files)
        broker_pid = broker._process.pid if broker._process else 0

        def others() -> float:
            return time.process_time() + _cpu_seconds(server_pid) + _cpu_seconds(broker_pid) + _postgres_cpu_seconds()

        cpu_before, others_before = sum(_cpu_seconds(p.pid) for p in processes), others()
        wall, _ = asyncio.run(_fill(env, project))
        cpu = sum(_cpu_seconds(p.pid) for p in processes) - cpu_before
        other_cpu = others() - others_before
        shares = sorted(_LAST_WORKERS.count(name) for name in set(_LAST_WORKERS))
        single = make_project(root / f"one{workers}", 1)
        trips, fills = [], []
        if workers == 1:
            for _ in range(8):
                one_wall, durations = asyncio.run(_fill(env, single))
                trips.append(one_wall - durations[0])
                fills.append(durations[0] - LATENCY_S)
    finally:
        for process in processes:
            stop_worker(process)
        broker.stop()
    return {
        "files": files,
        "wall_s": wall,
        "stubs_per_s": files / wall,
        "ideal": workers * CONCURRENCY / LATENCY_S,
        "cpu_per_stub_ms": cpu / files * 1000,
        "fewest_files": shares[0],
        "most_files": shares[-1],
        "other_cpu_per_stub_ms": other_cpu / files * 1000,
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
        note = (
            f"{f['stubs_per_s']:.1f} stubs/s, {f['stubs_per_s'] / f['ideal']:.0%} of the latency-bound ideal "
            f"{f['ideal']:.1f}; {speedup:.2f}x one worker{target}; CPU a stub: workers {f['cpu_per_stub_ms']:.0f} ms, "
            f"submitter + model server + broker + PostgreSQL {f['other_cpu_per_stub_ms']:.0f} ms; files a worker: "
            f"{int(f['fewest_files'])} to {int(f['most_files'])}"
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
