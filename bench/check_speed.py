"""How long ``msglint check`` takes on N messages, end to end and in-process.

    python bench/check_speed.py [--count 10000]

Prints the wall time of the real command on a JSONL file of N synthetic messages
(process start, jieba load, packs, linting, JSON report), and the in-process rate of
``Engine.lint`` once everything is loaded. The machine is shared and noisy: compare runs
taken close together.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import messages

from linter.packs.loader import build_engine


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    texts = messages(args.count)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "messages.jsonl"
        path.write_text(
            "".join(
                json.dumps({"id": f"m{i}", "text": t}, ensure_ascii=False) + "\n"
                for i, t in enumerate(texts)
            ),
            encoding="utf-8",
        )
        for fmt in ("json", "text"):
            start = time.perf_counter()
            proc = subprocess.run(
                [Path(sys.executable).parent / "msglint", "check", "--format", fmt, str(path)],
                capture_output=True,
                env={**os.environ},
                check=False,
            )
            wall = time.perf_counter() - start
            print(
                f"msglint check --format {fmt}: {args.count} messages in {wall:.2f} s "
                f"({args.count / wall:,.0f} msgs/s, exit {proc.returncode})"
            )

    t0 = time.perf_counter()
    engine = build_engine()
    load = time.perf_counter() - t0
    engine.lint(texts[0])
    start = time.perf_counter()
    violations = 0
    for text in texts:
        violations += len(engine.lint(text).violations)
    elapsed = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"engine load (packs + jieba): {load:.2f} s; {len(engine.rules)} rules")
    print(
        f"in-process Engine.lint: {args.count / elapsed:,.0f} msgs/s, "
        f"{elapsed / args.count * 1e6:.0f} us/msg, {violations} violations, max RSS {rss:.0f} MB"
    )


if __name__ == "__main__":
    main()
