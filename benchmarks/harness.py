"""Timing helpers shared by the benchmarks: warm-up, repeats, median and p95, a markdown table."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    name: str
    median_ms: float
    p95_ms: float
    min_ms: float
    runs: int
    target_ms: float | None = None
    note: str = ""

    @property
    def ratio(self) -> str:
        if self.target_ms is None:
            return ""
        return f"{self.median_ms / self.target_ms:.3g}"


def measure_async(
    name: str,
    make_call: Callable[[], Awaitable[object]],
    *,
    repeat: int = 30,
    warmup: int = 3,
    target_ms: float | None = None,
    note: str = "",
) -> Timing:
    """Time ``repeat`` awaits of ``make_call()`` after ``warmup`` untimed ones, all on one event loop."""

    async def run() -> list[float]:
        for _ in range(warmup):
            await make_call()
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            await make_call()
            samples.append((time.perf_counter() - started) * 1000.0)
        return samples

    samples = sorted(asyncio.run(run()))
    p95 = samples[max(0, round(0.95 * len(samples)) - 1)]
    return Timing(name, statistics.median(samples), p95, samples[0], len(samples), target_ms, note)


def table(timings: list[Timing]) -> str:
    rows = [
        "| benchmark | median ms | p95 ms | min ms | runs | target ms | median / target | note |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for t in timings:
        target = "" if t.target_ms is None else f"{t.target_ms:g}"
        cells = [
            t.name,
            f"{t.median_ms:.2f}",
            f"{t.p95_ms:.2f}",
            f"{t.min_ms:.2f}",
            str(t.runs),
            target,
            t.ratio,
            t.note,
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)
