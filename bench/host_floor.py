"""What latency tail this host allows any one-worker server, whatever its code.

    python bench/host_floor.py [--work-us 700,400,300,200] [--requests 3000] [--repeat 3]

The gate's c=16 p99 target in ``bench/http_load.py`` is measured on a shared VM whose CPU has
slow episodes (``bench/cpu_steadiness.py``). To tell what the gate's own cost is responsible
for from what the host imposes, this serves ``bench/uniform_app.py`` exactly as
``msglint serve`` is served (uvicorn, its default uvloop + httptools, one worker, no access
log), with a fixed amount of work per request, and drives it with ``http_load``'s driver at
concurrency 16 over the same request bodies. It prints, for each amount of work, p50/p99 and
the server's CPU per request read from /proc.

If a server that does a uniform 300 µs per request misses p99 < 20 ms here, a gate that
spends 700 µs cannot meet it on this host however its time is spent; on a steady host the
same figures show how much per-request CPU the target allows.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import messages
from cpu_steadiness import measure as cpu_steadiness
from http_load import TARGET_P99_MS_AT_16, _cpu_seconds, free_port, run_driver, serve

BENCH = Path(__file__).resolve().parent
CONCURRENCY = 16


class Floor(NamedTuple):
    work_us: float
    p50s: list[float]
    p99s: list[float]
    cpu_us: float  # the uniform server's CPU per request, HTTP included

    def line(self) -> str:
        p99 = statistics.median(self.p99s)
        met = "met" if p99 < TARGET_P99_MS_AT_16 else "MISSED"
        return (
            f"| {self.work_us:,.0f} | {self.cpu_us:,.0f} | "
            f"{', '.join(f'{p:.1f}' for p in self.p50s)} | "
            f"{', '.join(f'{p:.1f}' for p in self.p99s)} | {p99:.1f} ({met}) |"
        )


def floor(work_us: float, bodies: list[str], requests: int, repeat: int) -> Floor:
    """Serve the uniform app with ``work_us`` of work per request; drive it ``repeat`` times."""
    port = free_port()
    env = {**os.environ, "UNIFORM_WORK_US": str(work_us)}
    cmd = [sys.executable, "-m", "uvicorn", "uniform_app:app", "--app-dir", str(BENCH)]
    cmd += ["--port", str(port), "--no-access-log", "--no-server-header", "--lifespan", "off"]
    cmd += ["--log-level", "warning"]
    with tempfile.TemporaryDirectory() as tmp:
        proc = serve(cmd, env, Path(tmp) / "uniform.log", port, "/")
        try:
            run_driver(port, "/v1/lint", bodies, 300, CONCURRENCY)  # warm-up
            results, cpu = [], 0.0
            for _ in range(repeat):
                before = _cpu_seconds(proc.pid)
                result = run_driver(port, "/v1/lint", bodies, requests, CONCURRENCY)
                cpu += _cpu_seconds(proc.pid) - before
                results.append(result)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return Floor(
        work_us,
        [r["p50_ms"] for r in results],
        [r["p99_ms"] for r in results],
        cpu / sum(r["requests"] for r in results) * 1e6,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work-us", default="700,400,300,200", help="comma-separated µs")
    parser.add_argument("--requests", type=int, default=3000, help="per run")
    parser.add_argument("--repeat", type=int, default=3, help="runs per amount of work")
    args = parser.parse_args()
    amounts = [float(x) for x in args.work_us.split(",") if x.strip()]
    bodies = [json.dumps({"text": t}, ensure_ascii=False) for t in messages(1200)]

    print(cpu_steadiness(5.0).line())
    floors = [floor(us, bodies, args.requests, args.repeat) for us in amounts]
    print(cpu_steadiness(5.0).line())
    print()
    print(f"uniform server, one worker, concurrency {CONCURRENCY}, {args.requests} requests a run")
    print()
    print("| work µs/request | server CPU µs/request | p50 ms | p99 ms | median p99 ms |")
    print("|---|---|---|---|---|")
    for f in floors:
        print(f.line())
    print()
    print(
        f"target p99 < {TARGET_P99_MS_AT_16:.0f} ms; compare the server CPU column with "
        "bench/http_load.py's 'server CPU µs/msg' at c=16"
    )


if __name__ == "__main__":
    main()
