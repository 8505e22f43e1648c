"""Is this CPU steady enough to judge a latency tail? A fixed piece of pure-Python work, timed.

    python bench/cpu_steadiness.py [--seconds 10]

The same ~0.2 ms of arithmetic is run over and over; every run that takes 4x the best counts
as slow, and slow runs closer than 20 ms together form one episode. On a quiet dedicated core
there are none. On this shared 2-core VM there are episodes of 30-100 ms, a second or two
apart, in which everything runs 4-16x slower, and the time counts as the process's own CPU
time (the host takes the vCPU; the guest does not see it as steal). A p99 over a few seconds of
load cannot be better than such an episode: ``bench/http_load.py`` prints this probe before
its table, so the figures can be read against it.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

SLOW_FACTOR = 4.0
EPISODE_GAP_S = 0.020


def work(iterations: int = 3000) -> int:
    """A fixed piece of pure-Python arithmetic (3,000 iterations: about 0.2 ms here)."""
    total = 0
    for i in range(iterations):
        total += i * i
    return total


@dataclass
class Steadiness:
    seconds: float
    runs: int
    best_us: float
    slow_runs: int
    episodes: int
    longest_episode_ms: float

    def line(self) -> str:
        return (
            f"CPU steadiness ({self.seconds:.0f} s of fixed work, best {self.best_us:.0f} µs): "
            f"{self.slow_runs} of {self.runs:,} runs took >= {SLOW_FACTOR:.0f}x the best, in "
            f"{self.episodes} episodes (longest {self.longest_episode_ms:.0f} ms)"
        )


def best_time(iterations: int = 3000, runs: int = 200) -> float:
    """The fastest of ``runs`` timings of ``work(iterations)``, in seconds: this CPU's speed
    when nothing disturbs it."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work(iterations)
        best = min(best, time.perf_counter() - started)
    return best


def measure(seconds: float = 5.0) -> Steadiness:
    best = best_time()
    slow: list[tuple[float, float]] = []  # (start, end) of each slow run
    runs = 0
    end = time.perf_counter() + seconds
    while (started := time.perf_counter()) < end:
        work()
        took = time.perf_counter() - started
        runs += 1
        if took >= SLOW_FACTOR * best:
            slow.append((started, started + took))
    episodes: list[list[float]] = []
    for start, stop in slow:
        if episodes and start - episodes[-1][1] <= EPISODE_GAP_S:
            episodes[-1][1] = stop
        else:
            episodes.append([start, stop])
    longest = max((stop - start for start, stop in episodes), default=0.0)
    return Steadiness(seconds, runs, best * 1e6, len(slow), len(episodes), longest * 1e3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    print(measure(args.seconds).line())


if __name__ == "__main__":
    main()
