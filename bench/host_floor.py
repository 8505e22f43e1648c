"""What latency tail this host allows any one-worker server, whatever its code.

    python bench/host_floor.py [--cpu-us 700,400,300,200] [--requests 3000] [--repeat 3]

The gate's c=16 p99 target in ``bench/http_load.py`` is measured on a shared VM whose CPU has
slow episodes (``bench/cpu_steadiness.py``). To tell what the gate's own cost is responsible
for from what the host imposes, this serves ``bench/uniform_app.py`` exactly as
``msglint serve`` is served (uvicorn, its default uvloop + httptools, one worker, no access
log), with the same fixed work on every request, and drives it with ``http_load``'s driver at
concurrency 16 over the same request bodies. For each server CPU per request asked for, the
work is first adjusted until the server's CPU per request read from /proc is within 5% of it
(the host's speed drifts); it prints p50/p99 of each run and the CPU per request measured.

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
from cpu_steadiness import best_time
from cpu_steadiness import measure as cpu_steadiness
from http_load import TARGET_P99_MS_AT_16, _cpu_seconds, free_port, run_driver, serve

BENCH = Path(__file__).resolve().parent
CONCURRENCY = 16
#: server CPU seconds per calibration run
CALIBRATION_CPU_S = 0.5


class Floor(NamedTuple):
    asked_us: float  # the server CPU per request asked for
    p50s: list[float]
    p99s: list[float]
    cpu_us: float  # the server CPU per request measured over the runs, HTTP included

    def line(self) -> str:
        p99 = statistics.median(self.p99s)
        met = "met" if p99 < TARGET_P99_MS_AT_16 else "MISSED"
        return (
            f"| {self.asked_us:,.0f} | {self.cpu_us:,.0f} | "
            f"{', '.join(f'{p:.1f}' for p in self.p50s)} | "
            f"{', '.join(f'{p:.1f}' for p in self.p99s)} | {p99:.1f} ({met}) |"
        )


class UniformServer:
    """The uniform app under uvicorn, driven at c=16; the work is set per run by the path."""

    def __init__(self, log: Path) -> None:
        self.port = free_port()
        cmd = [sys.executable, "-m", "uvicorn", "uniform_app:app", "--app-dir", str(BENCH)]
        cmd += ["--port", str(self.port), "--no-access-log", "--no-server-header"]
        cmd += ["--lifespan", "off", "--log-level", "warning"]
        self.proc = serve(cmd, dict(os.environ), log, self.port, "/")

    def run(self, iterations: int, bodies: list[str], requests: int) -> tuple[dict, float]:
        """One run: the driver's result and the server's CPU µs per request."""
        before = _cpu_seconds(self.proc.pid)
        result = run_driver(self.port, f"/work/{iterations}", bodies, requests, CONCURRENCY)
        return result, (_cpu_seconds(self.proc.pid) - before) / result["requests"] * 1e6

    def iterations_for(self, cpu_us: float, bodies: list[str]) -> int:
        """The work per request at which this server spends ``cpu_us`` of CPU per request.

        Measured, not computed from a calibration: the host's speed drifts by 1.5x within
        minutes, and the gate's figure it is compared with was measured at the host's speed
        of the moment too.
        """
        iterations = round(cpu_us * iterations_per_us())
        # /proc counts CPU in 10 ms ticks: half a second of it reads within 2%
        requests = max(600, round(CALIBRATION_CPU_S * 1e6 / max(cpu_us, 1.0)))
        for _ in range(4):
            _, spent = self.run(iterations, bodies, requests)
            if abs(spent - cpu_us) <= 0.05 * cpu_us:
                break
            iterations = max(0, round(iterations * cpu_us / max(spent, 1.0)))
        return iterations

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def iterations_per_us() -> float:
    return 10_000 / (best_time(10_000, runs=50) * 1e6)


def floors(amounts: list[float], bodies: list[str], requests: int, repeat: int) -> list[Floor]:
    """For each server CPU per request asked for: ``repeat`` runs of ``requests`` at c=16."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        server = UniformServer(Path(tmp) / "uniform.log")
        try:
            run_driver(server.port, "/work/0", bodies, 300, CONCURRENCY)  # warm-up
            for cpu_us in amounts:
                iterations = server.iterations_for(cpu_us, bodies)
                runs = [server.run(iterations, bodies, requests) for _ in range(repeat)]
                p50s = [r["p50_ms"] for r, _ in runs]
                p99s = [r["p99_ms"] for r, _ in runs]
                out.append(Floor(cpu_us, p50s, p99s, statistics.mean(us for _, us in runs)))
        finally:
            server.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--cpu-us", default="700,400,300,200", help="server CPU µs per request, comma-separated"
    )
    parser.add_argument("--requests", type=int, default=3000, help="per run")
    parser.add_argument("--repeat", type=int, default=3, help="runs per amount of work")
    args = parser.parse_args()
    amounts = [float(x) for x in args.cpu_us.split(",") if x.strip()]
    bodies = [json.dumps({"text": t}, ensure_ascii=False) for t in messages(1200)]

    print(cpu_steadiness(5.0).line())
    rows = floors(amounts, bodies, args.requests, args.repeat)
    print(cpu_steadiness(5.0).line())
    print()
    print(f"uniform server, one worker, concurrency {CONCURRENCY}, {args.requests} requests a run")
    print()
    print("| server CPU µs/request asked | measured | p50 ms | p99 ms | median p99 ms |")
    print("|---|---|---|---|---|")
    for row in rows:
        print(row.line())
    print()
    print(
        f"target p99 < {TARGET_P99_MS_AT_16:.0f} ms; compare the server CPU column with "
        "bench/http_load.py's 'server CPU µs/msg' at c=16"
    )


if __name__ == "__main__":
    main()
