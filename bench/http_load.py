"""What HTTP costs: the pre-send gate under load, beside the same messages linted in-process.

    python bench/http_load.py [--requests 3000] [--repeat 3] [--batch 100] [--workers 1]
                              [--stack default|plain] [--no-floor]

Starts ``msglint serve`` (one worker, tokens on, access log on, as in production) on a free
127.0.0.1 port, then drives it from a second process: a lean asyncio HTTP/1.1 keep-alive
client (a few µs per request, so the driver does not eat the server's core) sends a bounded
number of requests at concurrency 1, 16 and 64 over the synthetic messages of
``bench/corpus.py``, then batches. It prints requests/s, p50/p99 latency, and the server's
CPU per message read from /proc, and the in-process ``Engine.lint`` cost of the same
messages; the ratio is what HTTP adds.

``--stack plain`` runs the same app on uvicorn's asyncio loop and h11 parser instead of
uvloop + httptools, to show what those two dependencies buy. ``--workers 2`` serves with two
worker processes, for sizing (the targets are for one worker; the server CPU then adds up
the workers).

The batch target compares the server's CPU per message with ``Engine.lint`` in this process,
and the VM's speed drifts by 1.5x within minutes: so the batch phase at c=1 runs
``--repeat`` times, each right after an in-process pass over the same messages, and the
verdict takes the median of the paired ratios.

The machine has 2 cores shared with other people: the load average is printed before each
phase; compare figures taken close together. To tell the gate's share of the c=16 p99 from
the host's, the run ends (one worker, unless ``--no-floor``) with ``bench/host_floor.py``'s
uniform server spending the CPU per request the gate just spent, under the same load: the
p99 it gets is what this host allows that much work, whatever the code.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import messages
from cpu_steadiness import measure as cpu_steadiness

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-token-0123456789abcdef"
TARGET_P99_MS_AT_16 = 20.0
TARGET_BATCH_RATIO = 2.0


# ---- the driver (runs in its own process) --------------------------------------------------


def _request(path: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {TOKEN}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _drive(port: int, requests: list[bytes], total: int, concurrency: int) -> dict:
    counter = itertools.count()
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def connection() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while (i := next(counter)) < total:
                started = time.perf_counter()
                writer.write(requests[i % len(requests)])
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                await reader.readexactly(length)
                latencies.append(time.perf_counter() - started)
                status = int(head[9:12])
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "wall": wall,
        "p50_ms": latencies[len(latencies) // 2] * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "statuses": statuses,
    }


def driver_main(spec: dict) -> None:
    requests = [_request(spec["path"], b.encode()) for b in spec["bodies"]]
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    result = asyncio.run(_drive(spec["port"], requests, spec["total"], spec["concurrency"]))
    print(json.dumps(result))


# ---- the conductor -------------------------------------------------------------------------


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _cpu_seconds(pid: int) -> float:
    """CPU time of the server: the process and its worker processes (with --workers N)."""
    pids = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat(int(entry.name))[1]) == pid:
                    pids.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    total = 0
    for p in pids:
        try:
            fields = _stat(p)
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _load() -> str:
    return "load avg " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_driver(port: int, path: str, bodies: list[str], total: int, concurrency: int) -> dict:
    spec = {"port": port, "path": path, "bodies": bodies, "total": total}
    spec["concurrency"] = concurrency
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(spec, f, ensure_ascii=False)
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--drive", f.name],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(f.name)
    return json.loads(out.stdout)


def start_server(stack: str, log: Path, workers: int = 1) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {**os.environ, "MSGLINT_API_TOKENS": TOKEN}
    if stack == "default":
        cmd = [sys.executable, "-m", "linter.cli", "serve", "--port", str(port)]
        cmd += ["--workers", str(workers)]
    else:
        code = (
            "import uvicorn; from linter.cli.serve import log_config; "
            "uvicorn.run('linter.http.app:create_app', factory=True, host='127.0.0.1', "
            f"port={port}, loop='asyncio', http='h11', log_config=log_config('info'), "
            "access_log=False)"
        )
        cmd = [sys.executable, "-c", code]
    return serve(cmd, env, log, port, "/readyz"), port


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(
    cmd: list[str], env: dict[str, str], log: Path, port: int, ready: str
) -> subprocess.Popen[bytes]:
    """Start a server process and wait until ``ready`` answers 200 (90 s at most)."""
    import httpx

    with log.open("wb") as sink:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}{ready}", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"server did not get ready:\n{log.read_text()}")


class InProcess:
    """``Engine.lint`` in this process: the CPU µs per message the server's are compared with."""

    def __init__(self) -> None:
        from linter.core.models import MessageContext
        from linter.http.engine_holder import _settle_heap
        from linter.packs.loader import build_engine

        self.engine = build_engine()
        _settle_heap()  # as the server does after loading
        self.context = MessageContext()

    def us(self, texts: list[str], rounds: int = 3) -> float:
        for text in texts[:200]:
            self.engine.lint(text, self.context)
        runs = []
        for _ in range(rounds):
            started = time.process_time()
            for text in texts:
                self.engine.lint(text, self.context)
            runs.append((time.process_time() - started) / len(texts) * 1e6)
        return statistics.median(runs)


class Row(NamedTuple):
    mode: str
    concurrency: int
    size: int
    result: dict
    server_us: float  # server CPU µs per message
    load: str
    in_process_us: float  # Engine.lint here, per message, to compare with


def _table(rows: list[Row]) -> list[str]:
    out = [
        "| mode | conc | req/s | msgs/s | p50 ms | p99 ms | server CPU µs/msg | in-process µs "
        "| ÷ in-process | non-200 | load avg before |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        r = row.result
        rps = r["requests"] / r["wall"]
        bad = sum(n for status, n in r["statuses"].items() if int(status) != 200)
        ratio = row.server_us / row.in_process_us
        out.append(
            f"| {row.mode} | {row.concurrency} | {rps:,.0f} | {rps * row.size:,.0f} | "
            f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {row.server_us:,.0f} | "
            f"{row.in_process_us:,.0f} | {ratio:.2f}x | {bad} | {row.load} |"
        )
    return out


def _verdicts(rows: list[Row], workers: int) -> list[str]:
    out = []
    scope = "" if workers == 1 else f" (with {workers} workers: the target is for one)"
    p99s = [r.result["p99_ms"] for r in rows if r.mode == "single" and r.concurrency == 16]
    if p99s:
        median = statistics.median(p99s)
        met = "met" if median < TARGET_P99_MS_AT_16 else "MISSED"
        runs = ", ".join(f"{p:.1f}" for p in p99s)
        out.append(
            f"p99 at c=16: median {median:.1f} ms of {len(p99s)} runs ({runs}) "
            f"(target < {TARGET_P99_MS_AT_16:.0f}): {met}{scope}"
        )
    batch = [r for r in rows if r.mode == "batch" and r.concurrency == 1]
    if batch:
        ratios = [r.server_us / r.in_process_us for r in batch]
        walls = [
            r.result["wall"] / (r.result["requests"] * r.size) * 1e6 / r.in_process_us
            for r in batch
        ]
        ratio = statistics.median(ratios)
        met = "met" if ratio <= TARGET_BATCH_RATIO else "MISSED"
        runs = ", ".join(f"{x:.2f}" for x in ratios)
        out.append(
            f"batch of {batch[0].size}, c=1: server CPU {ratio:.2f}x the in-process CPU per "
            f"message, median of {len(batch)} paired runs ({runs}); wall "
            f"{statistics.median(walls):.2f}x (target <= {TARGET_BATCH_RATIO:.0f}x): {met}{scope}"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000, help="per single-message phase")
    parser.add_argument("--batch", type=int, default=100, help="messages per batch request")
    parser.add_argument("--batches", type=int, default=60, help="batch requests per phase")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the c=16 and batch phases")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--stack", choices=["default", "plain"], default="default")
    parser.add_argument(
        "--no-floor", action="store_true", help="skip the uniform server run (host_floor.py)"
    )
    parser.add_argument("--drive", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        driver_main(json.loads(Path(args.drive).read_text(encoding="utf-8")))
        return

    texts = messages(1200)
    singles = [
        json.dumps({"text": t, "id": f"m{i}"}, ensure_ascii=False) for i, t in enumerate(texts)
    ]
    batches = []
    for start in range(0, len(texts), args.batch):
        chunk = texts[start : start + args.batch]
        items = [{"text": t, "id": f"m{start + j}"} for j, t in enumerate(chunk)]
        batches.append(json.dumps({"messages": items}, ensure_ascii=False))
    print(
        f"{_load()}; {os.cpu_count()} CPUs; stack {args.stack}; {args.workers} worker(s); "
        f"{len(texts)} distinct messages"
    )
    steadiness = cpu_steadiness(5.0)
    print(steadiness.line())
    here = InProcess()
    us_before = here.us(texts)

    measured: list[tuple[str, int, int, dict, float, str, float | None]] = []
    with tempfile.TemporaryDirectory() as tmp:
        proc, port = start_server(args.stack, Path(tmp) / "server.log", args.workers)
        try:
            run_driver(port, "/v1/lint", singles, 300 * args.workers, 4)  # warm-up
            # the c=16 phase, the one with a target, runs --repeat times: one noisy second on a
            # shared host moves a single p99 by several ms, so every run is printed
            phases = [
                ("single", "/v1/lint", singles, args.requests, c, 1)
                for c in (1, *[16] * args.repeat, 64)
            ]
            phases += [
                ("batch", "/v1/lint/batch", batches, args.batches, c, args.batch)
                for c in (*[1] * args.repeat, 2)
            ]
            for mode, path, bodies, total, concurrency, size in phases:
                # a batch at c=1 is compared with an in-process pass taken just before it
                paired = here.us(texts, rounds=1) if (mode, concurrency) == ("batch", 1) else None
                load = _load()[9:]
                cpu = _cpu_seconds(proc.pid)
                r = run_driver(port, path, bodies, total, concurrency)
                cpu_us = (_cpu_seconds(proc.pid) - cpu) / (r["requests"] * size) * 1e6
                measured.append((mode, concurrency, size, r, cpu_us, load, paired))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    us_after = here.us(texts)
    c16 = [m[4] for m in measured if m[:2] == ("single", 16)]
    uniform = None
    if not args.no_floor and c16 and args.workers == 1:  # the target is for one worker
        from host_floor import floors  # it imports this module: import it late

        # the same load on a server that spends the same CPU per request, but the same on each
        uniform = floors([statistics.median(c16)], singles, args.requests, 3)[0]
    us = (us_before + us_after) / 2
    rows = [Row(*m[:6], in_process_us=m[6] if m[6] is not None else us) for m in measured]

    print(
        f"in-process Engine.lint: {us_before:,.0f} µs/msg before, {us_after:,.0f} after "
        f"(CPU time; {1e6 / us:,.0f} msgs/s on one core)"
    )
    print()
    print("\n".join(_table(rows)))
    print()
    print("\n".join(_verdicts(rows, args.workers)))
    if uniform is not None:
        p99 = statistics.median(uniform.p99s)
        print(
            f"host floor (bench/host_floor.py, right after): a uniform one-worker server spending "
            f"{uniform.cpu_us:,.0f} µs of CPU per request got p99 {p99:.1f} ms at c=16 "
            f"(runs {', '.join(f'{p:.1f}' for p in uniform.p99s)}): what this host allows that "
            f"much work, whatever the code"
        )
    if steadiness.episodes:
        print(
            f"note: the CPU had {steadiness.episodes} slow episodes in 5 s before the run "
            f"(bench/cpu_steadiness.py); each one delays every request in flight by its length"
        )


if __name__ == "__main__":
    main()
