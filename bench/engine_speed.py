"""Per-message cost of ``Engine.lint`` in-process, on bench/corpus.py's messages.

    python bench/engine_speed.py [--count 1200] [--repeats 5] [--profile] [--root DIR]

Times every message separately (CPU time of the process, less disturbed by
neighbours than wall time) and prints the median and mean µs per message of the best
of ``repeats`` passes (the machine is shared and noisy: the best pass is the least
disturbed). ``--profile`` prints the top of a cProfile run instead. ``--root`` times the
engine of another checkout (e.g. a ``git worktree`` of the commit before a change), with
this tree's packs, so a before/after pair can be taken close together.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import messages

RULES = Path(__file__).resolve().parent.parent / "rules" / "zh-CN"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--root", help="checkout whose linter package to time")
    parser.add_argument("--packs", type=Path, default=RULES, help="pack folder (default: tree's)")
    args = parser.parse_args()
    if args.root:
        sys.path.insert(0, args.root)
    from linter.packs.loader import build_engine

    texts = messages(args.count)
    engine = build_engine([args.packs], shipped=False)
    for text in texts[:50]:
        engine.lint(text)
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for text in texts:
            engine.lint(text)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return
    passes = []
    for _ in range(args.repeats):
        costs = []
        for text in texts:
            start = time.process_time()
            engine.lint(text)
            costs.append(time.process_time() - start)
        passes.append(costs)
    best = min(passes, key=sum)
    median, mean = statistics.median(best) * 1e6, statistics.mean(best) * 1e6
    p99 = sorted(best)[int(len(best) * 0.99)] * 1e6
    print(
        f"{'base' if args.root else 'tree'}: Engine.lint on {len(texts)} corpus messages, "
        f"best of {args.repeats}: median {median:.0f} us, mean {mean:.0f} us, p99 {p99:.0f} us"
    )


if __name__ == "__main__":
    main()
