"""What reading Latin letters inside Chinese (linter/core/pinyin.py) costs per message.

    python bench/latin_cost.py [FILE.txt|FILE.jsonl ...]

For bench/corpus.py's messages and each file given (one message a line, or JSONL with
``text``): the CPU time per message of ``prepare`` alone and of ``prepare`` followed by the
engine's speller (homophone variants, then the Latin reader), best of 7 passes once every
cache is warm; how many messages have letters beside Chinese, and how many the reader
changed. Then, in a fresh process, the one-time cost of the first message that needs
pypinyin (its import and the reader's indexes).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import messages

from linter.core.prepare import prepare
from linter.packs.loader import build_engine

BESIDE = r"[a-z] ?[\u4e00-\u9fff]|[\u4e00-\u9fff] ?[a-z]"
FIRST_USE = """
import time
from linter.packs.loader import build_engine
engine = build_engine()
engine.lint("您好")
start = time.process_time()
engine.lint("再不还就爆你tongxunlu")
print(f"{(time.process_time() - start) * 1e3:.0f}")
"""


def read_texts(path: Path) -> list[str]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if path.suffix == ".jsonl":
        return [json.loads(line)["text"] for line in lines]
    return lines


def best_us(texts: list[str], step: Callable[[str], object]) -> float:
    passes = []
    for _ in range(7):
        start = time.process_time()
        for text in texts:
            step(text)
        passes.append(time.process_time() - start)
    return 1e6 * min(passes) / len(texts)


def main() -> None:
    engine = build_engine()
    sets = {"bench corpus": messages(1200)}
    sets.update({Path(arg).name: read_texts(Path(arg)) for arg in sys.argv[1:]})
    for name, texts in sets.items():
        for text in texts:  # every cache warm, pypinyin loaded
            engine.speller(prepare(text))
        alone = best_us(texts, prepare)
        spelt = best_us(texts, lambda t: engine.speller(prepare(t)))
        beside = sum(1 for t in texts if re.search(BESIDE, prepare(t).text))
        changed = sum(1 for t in texts if engine.speller(prepare(t)).text != prepare(t).text)
        print(
            f"{name} ({len(texts)} messages): prepare {alone:.1f} us, prepare + speller "
            f"{spelt:.1f} us a message; {beside} with letters beside Chinese, {changed} respelt"
        )
    out = subprocess.run(
        [sys.executable, "-c", FIRST_USE], capture_output=True, text=True, check=True
    )
    print(f"first message that needs pypinyin: {out.stdout.strip()} ms CPU (import + indexes)")


if __name__ == "__main__":
    main()
