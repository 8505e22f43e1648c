"""Split real messages into dev and test halves by source, before anything is tuned on them.

    python bench/split_real.py INCOMING.yaml [...] [--into tests/data/real] [--check]

Every message belongs to a *source unit*: a GitHub repository, a website's domain, or (on
platforms where unrelated authors publish under one domain, such as 百家号, 知乎 or 黑猫投诉) a
single page. Messages whose texts are the same, or one inside the other, are one unit too,
so a story reprinted on two sites cannot land in both halves. A unit goes to one half only.

Units already named in ``split.json`` keep their half; the new units of a run are given,
largest first, to the half that keeps the run's two shares alike in their mix of labels (each
category, compliant, and the total), then single units are moved across while that evens
them out. Each batch is balanced within itself, so both halves get the same mix of what was
collected in it, whatever is already there. The messages are appended to
``dev/<name>.yaml`` or ``test/<name>.yaml`` (``<name>`` is the incoming file's name) and
``split.json`` records every unit's half.

--half dev puts every incoming unit in dev (for messages that have already been read, so
they can never be a test half); a unit already in test cannot be forced and is an error.

--check reads the halves already written and exits 1 when a unit is in both, or a text is
there twice (the suite runs this check).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval import DataSetError, LabelledMessage, load_dataset

HALVES = ("dev", "test")
#: hosts where one domain carries many unrelated authors: the unit is the page
PLATFORM_HOSTS = (
    "baijiahao.baidu.com",
    "mbd.baidu.com",
    "zhidao.baidu.com",
    "tieba.baidu.com",
    "zhihu.com",
    "zhuanlan.zhihu.com",
    "douban.com",
    "weibo.com",
    "weibo.cn",
    "mp.weixin.qq.com",
    "new.qq.com",
    "sohu.com",
    "163.com",
    "toutiao.com",
    "tousu.sina.com.cn",
    "ts.21cn.com",
    "jianshu.com",
    "bilibili.com",
    "xueqiu.com",
)
#: what the balance is kept on
BALANCED = (
    "threat",
    "third_party_disclosure",
    "misleading_legal",
    "missing_identification",
    "abusive_language",
    "compliant",
    "all",
)
MIN_CONTAINED = 8


def normal_text(text: str) -> str:
    return re.sub(r"\W", "", unicodedata.normalize("NFKC", text))


def source_unit(source: str) -> str:
    """The unit a source belongs to: ``github:owner/repo``, a domain, or a platform's page."""
    if source.startswith("github:"):
        return "github:" + source[len("github:") :].split("@", 1)[0]
    parts = urlsplit(source)
    host = (parts.hostname or source).lower()
    host = re.sub(r"^(www|m|wap|3g|mobile)\.", "", host)
    if host == "github.com":  # an issue or a file page: the repository is the unit
        owner_repo = "/".join(parts.path.strip("/").split("/")[:2])
        return f"github:{owner_repo}"
    for platform in PLATFORM_HOSTS:
        if host == platform or host.endswith("." + platform):
            page = parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")
            return f"{host}{page}"
    return host


class Units:
    """Union-find over source units and texts."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def group(messages: Sequence[LabelledMessage]) -> dict[str, list[LabelledMessage]]:
    """Messages by unit root; units joined where their texts are equal or nested."""
    units = Units()
    texts: list[tuple[str, str]] = []
    for msg in messages:
        unit = source_unit(msg.source)
        units.find(unit)
        norm = normal_text(msg.text)
        for other, other_unit in texts:
            if norm == other or (
                min(len(norm), len(other)) >= MIN_CONTAINED and (norm in other or other in norm)
            ):
                units.join(unit, other_unit)
        texts.append((norm, unit))
    grouped: dict[str, list[LabelledMessage]] = {}
    for msg in messages:
        grouped.setdefault(units.find(source_unit(msg.source)), []).append(msg)
    return grouped


def counts(messages: Iterable[LabelledMessage]) -> Counter[str]:
    c: Counter[str] = Counter()
    for msg in messages:
        c["all"] += 1
        c.update(label.value for label in msg.labels)
        if not msg.labels:
            c["compliant"] += 1
    return c


def imbalance(halves: dict[str, Counter[str]]) -> int:
    dev, test = halves["dev"], halves["test"]
    return sum((dev[k] - test[k]) ** 2 for k in BALANCED)


def assign(
    grouped: dict[str, list[LabelledMessage]],
    known: dict[str, str],
    halves: dict[str, Counter[str]],
) -> dict[str, str]:
    """Each unit's half: ``known`` ones keep theirs, new ones keep the mix balanced."""
    out: dict[str, str] = {}
    new: list[tuple[str, list[LabelledMessage]]] = []
    for root, msgs in grouped.items():
        members = {source_unit(m.source) for m in msgs}
        halves_named = {known[u] for u in members if u in known}
        if len(halves_named) > 1:
            raise DataSetError(f"units {sorted(members)} are joined but split.json splits them")
        if halves_named:
            half = halves_named.pop()
            out.update(dict.fromkeys(members, half))
        else:
            new.append((root, msgs))
    new.sort(key=lambda item: (-len(item[1]), item[0]))
    placed: dict[str, str] = {}
    for root, msgs in new:
        c = counts(msgs)
        best = min(HALVES, key=lambda h: (imbalance({**halves, h: halves[h] + c}), h))
        halves[best].update(c)
        placed[root] = best
    # then move single new units across while that evens the mix out
    improved = True
    while improved:
        improved = False
        for root, msgs in new:
            c, here = counts(msgs), placed[root]
            there = HALVES[1 - HALVES.index(here)]
            moved = {here: halves[here] - c, there: halves[there] + c}
            if imbalance(moved) < imbalance(halves):
                halves.update(moved)
                placed[root] = there
                improved = True
    for root, msgs in new:
        out.update(dict.fromkeys({source_unit(m.source) for m in msgs}, placed[root]))
    return out


def dump(path: Path, messages: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump({"messages": messages}, allow_unicode=True, sort_keys=False, width=1000)
    path.write_text(text, encoding="utf-8")


def read_halves(root: Path) -> dict[str, list[LabelledMessage]]:
    return {
        half: [m for p in sorted((root / half).glob("*.yaml")) for m in load_dataset(p)]
        for half in HALVES
    }


def check(root: Path) -> list[str]:
    """Problems with the halves written under ``root``: shared units, repeated texts."""
    halves = read_halves(root)
    problems: list[str] = []
    grouped = group([m for msgs in halves.values() for m in msgs])
    half_of = {m.id: h for h, msgs in halves.items() for m in msgs}
    for msgs in grouped.values():
        where = {half_of[m.id] for m in msgs}
        if len(where) > 1:
            units = sorted({source_unit(m.source) for m in msgs})
            problems.append(f"source unit in both halves: {', '.join(units)}")
    seen: dict[str, str] = {}
    for msgs in halves.values():
        for m in msgs:
            key = normal_text(m.text)
            if key in seen:
                problems.append(f"{m.id}: same text as {seen[key]}")
            seen[key] = m.id
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("incoming", type=Path, nargs="*", help="labelled YAML files to add")
    p.add_argument("--into", type=Path, default=Path("tests/data/real"))
    p.add_argument("--check", action="store_true", help="check the halves already written")
    p.add_argument("--half", choices=HALVES, help="put every incoming unit in this half")
    args = p.parse_args(argv)
    try:
        if args.check:
            problems = check(args.into)
            for line in problems:
                print(f"split: {line}", file=sys.stderr)
            halves = read_halves(args.into)
            print(", ".join(f"{h} {len(msgs)}" for h, msgs in halves.items()))
            return 1 if problems else 0
        manifest = args.into / "split.json"
        known: dict[str, str] = (
            json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}
        )
        existing = read_halves(args.into)
        incoming = {path: load_dataset(path) for path in args.incoming}
    except (DataSetError, OSError, ValueError) as exc:
        print(f"split: {exc}", file=sys.stderr)
        return 2
    if not incoming:
        print("split: no incoming files (use --check to check the halves)", file=sys.stderr)
        return 2
    everything = [m for msgs in existing.values() for m in msgs]
    everything += [m for msgs in incoming.values() for m in msgs]
    ids = Counter(m.id for m in everything)
    if dup := [i for i, n in ids.items() if n > 1]:
        print(f"split: ids already used: {', '.join(sorted(dup)[:10])}", file=sys.stderr)
        return 2
    halves = {h: Counter[str]() for h in HALVES}
    try:
        # existing messages pin their units to their half
        for half, msgs in existing.items():
            for m in msgs:
                known.setdefault(source_unit(m.source), half)
        new_messages = [m for msgs in incoming.values() for m in msgs]
        grouped = group(everything)
        if args.half:
            new_ids = {m.id for m in new_messages}
            for msgs in grouped.values():
                if any(m.id in new_ids for m in msgs):
                    for unit in {source_unit(m.source) for m in msgs}:
                        if known.setdefault(unit, args.half) != args.half:
                            raise DataSetError(f"{unit} is already in {known[unit]}")
        wanted = {m.id for m in new_messages}
        decided = assign(grouped, known, halves)
    except DataSetError as exc:
        print(f"split: {exc}", file=sys.stderr)
        return 2
    for path, msgs in incoming.items():
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]
        by_id = {item["id"]: item for item in raw}
        for half in HALVES:
            chosen = [
                by_id[m.id]
                for m in msgs
                if m.id in wanted and decided[source_unit(m.source)] == half
            ]
            if not chosen:
                continue
            target = args.into / half / path.name
            before = (
                yaml.safe_load(target.read_text(encoding="utf-8"))["messages"]
                if target.exists()
                else []
            )
            dump(target, before + chosen)
    known.update(decided)
    manifest.write_text(
        json.dumps(dict(sorted(known.items())), ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )
    for half in HALVES:
        c = halves[half]
        print(f"{half}: " + ", ".join(f"{k} {c[k]}" for k in BALANCED))
    return 0


if __name__ == "__main__":
    sys.exit(main())
