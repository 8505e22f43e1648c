"""Does a rewritten pack folder lose anything the folder before it caught?

    cp -r rules/zh-CN /tmp/packs-before          # once, before rewriting a family of rules
    python bench/rewrite_check.py --before /tmp/packs-before [--after rules/zh-CN]
                                  [--data FILE ...] [--benign FILE ...] [--json]

Issue 13 retires a regex rule (rewrites it with concepts and frames, or removes it) only
when the concept rules pass its examples and lose nothing on the labelled sets. This lints
three things with the packs before and after (each folder with the ``concepts/`` beside it;
findings counted at error or warning, as ``bench/eval.py``; trial rules are info and do not
count):

1. the examples of every rule in the *before* folder, the regression corpus: a trigger
   example whose category was flagged before and is not after is ``lost``; a pass example
   whose rule's category was not flagged before and is after is ``new FP``;
2. the labelled sets (default as ``bench/retire_check.py``: the written dev sets, the
   holdouts but those ``eval.MEASURING_ONLY`` keeps blind, the real dev half; never a
   folder named ``test``): per category, messages caught before and not after (``lost``)
   and new false positives (``new FP``), beside the gains (``new TP``, ``FP gone``);
3. ordinary messages (``tests/data/benign_probe.jsonl`` and ``../shared/data/benign/*.txt``
   where present): a message flagged after and not before is ``new FP``.

Exit 0 when nothing is lost and no false positive is new, 1 otherwise (each listed by
rule and example index or by message id, never by text), 2 when a folder or set cannot
be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval import COUNTED, DataSetError, load_benign, load_dataset
from retire_check import default_datasets

from linter.core.engine import Engine
from linter.core.models import Category, MessageContext
from linter.packs.loader import build_engine

ROOT = Path(__file__).resolve().parent.parent
SHARED_BENIGN = ROOT.parent / "shared" / "data" / "benign"


@dataclass(frozen=True)
class Item:
    """One text to lint twice: where it comes from, what it should raise."""

    group: str  # examples | labelled | ordinary
    ref: str  # RULE trigger[i] / message id / file:line
    text: str
    context: MessageContext
    #: categories it must be flagged for (trigger example, labelled message)
    labels: frozenset[Category]
    #: categories it is scored on: a pass example only on its rule's category
    scored: frozenset[Category]


@dataclass
class Change:
    ref: str
    category: str
    before: list[str]
    after: list[str]


@dataclass
class Report:
    #: (group, category) → [tp before, tp after, fp before, fp after]
    counts: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    lost: list[Change] = field(default_factory=list)
    new_fp: list[Change] = field(default_factory=list)
    new_tp: list[Change] = field(default_factory=list)
    fp_gone: list[Change] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.lost and not self.new_fp


def fired(engine: Engine, item: Item) -> dict[Category, list[str]]:
    out: dict[Category, set[str]] = {}
    for v in engine.find(item.text, item.context):
        if v.severity in COUNTED:
            out.setdefault(v.category, set()).add(v.rule)
    return {c: sorted(r) for c, r in out.items()}


def example_items(engine: Engine) -> Iterator[Item]:
    for rule in engine.rules:
        spec = rule.spec
        if spec.status != "active":
            continue
        cat = frozenset({spec.category})
        for i, ex in enumerate(spec.examples.trigger):
            yield Item("examples", f"{spec.id} trigger[{i}]", ex.text, ex.context, cat, cat)
        for i, ex in enumerate(spec.examples.passing):
            yield Item("examples", f"{spec.id} pass[{i}]", ex.text, ex.context, frozenset(), cat)


def labelled_items(paths: Sequence[Path]) -> Iterator[Item]:
    every = frozenset(Category)
    for path in paths:
        for m in load_dataset(path):
            scored = frozenset(c for c in every if m.scored(c))
            yield Item("labelled", m.id, m.text, m.context, frozenset(m.labels), scored)


def ordinary_items(paths: Sequence[Path]) -> Iterator[Item]:
    for path in paths:
        for n, m in enumerate(load_benign(path), 1):
            ref = f"{path.name}#{n}"
            yield Item("ordinary", ref, m.text, m.context, frozenset(), frozenset(Category))


def compare(before: Engine, after: Engine, items: Sequence[Item]) -> Report:
    report = Report()
    for item in items:
        old, new = fired(before, item), fired(after, item)
        for cat in item.scored:
            was, now = cat in old, cat in new
            if not (was or now):
                continue
            row = report.counts.setdefault((item.group, cat.value), [0, 0, 0, 0])
            wanted = cat in item.labels
            row[0 if wanted else 2] += was
            row[1 if wanted else 3] += now
            if was == now:
                continue
            change = Change(item.ref, cat.value, old.get(cat, []), new.get(cat, []))
            if wanted:
                (report.lost if was else report.new_tp).append(change)
            else:
                (report.fp_gone if was else report.new_fp).append(change)
    return report


def render_text(report: Report) -> str:
    head = (
        f"{'group':<10}{'category':<26}{'TP before':>10}{'after':>7}{'FP before':>11}{'after':>7}"
    )
    lines = [head, "-" * len(head)]
    for (group, cat), (tb, ta, fb, fa) in sorted(report.counts.items()):
        lines.append(f"{group:<10}{cat:<26}{tb:>10}{ta:>7}{fb:>11}{fa:>7}")
    for title, changes in (
        ("LOST (caught before, not after)", report.lost),
        ("NEW FP (flagged after, not before)", report.new_fp),
        ("new TP", report.new_tp),
        ("FP gone", report.fp_gone),
    ):
        if not changes:
            continue
        lines += ["", f"{title}: {len(changes)}"]
        for c in changes:
            was = ", ".join(c.before) or "-"
            now = ", ".join(c.after) or "-"
            lines.append(f"  {c.ref}  {c.category}: {was} -> {now}")
    lines += ["", "clean: nothing lost, no new false positive" if report.clean else "NOT CLEAN"]
    return "\n".join(lines)


def render_json(report: Report) -> str:
    def rows(changes: list[Change]) -> list[dict[str, object]]:
        return [vars(c) for c in changes]

    doc = {
        "clean": report.clean,
        "counts": [
            {"group": g, "category": c, "tp": [tb, ta], "fp": [fb, fa]}
            for (g, c), (tb, ta, fb, fa) in sorted(report.counts.items())
        ],
        "lost": rows(report.lost),
        "new_fp": rows(report.new_fp),
        "new_tp": rows(report.new_tp),
        "fp_gone": rows(report.fp_gone),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)


def default_benign() -> list[Path]:
    return [ROOT / "tests" / "data" / "benign_probe.jsonl", *sorted(SHARED_BENIGN.glob("*.txt"))]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--before", type=Path, required=True, metavar="DIR", help="packs before")
    p.add_argument(
        "--after", type=Path, default=ROOT / "rules" / "zh-CN", metavar="DIR",
        help="packs after (default: the shipped folder)",
    )  # fmt: skip
    p.add_argument(
        "--data", nargs="+", action="extend", type=Path, default=[], metavar="FILE",
        help="labelled sets (default: dev, the holdouts not kept for measuring, real/dev)",
    )  # fmt: skip
    p.add_argument(
        "--benign", nargs="+", action="extend", type=Path, default=[], metavar="FILE",
        help="ordinary messages, .txt or .jsonl (default: the probe and the shared bank SMS)",
    )  # fmt: skip
    p.add_argument("--json", action="store_true", help="a JSON document (ids, no texts)")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    data: list[Path] = args.data or default_datasets()
    if bad := [p for p in data if p.resolve().parent.name == "test"]:
        print(f"rewrite_check: {bad[0]}: the test half is never used here", file=sys.stderr)
        return 2
    for folder in (args.before, args.after):
        if not folder.is_dir():
            print(f"rewrite_check: {folder}: not a folder of packs", file=sys.stderr)
            return 2
    try:
        before = build_engine([args.before], shipped=False)
        after = build_engine([args.after], shipped=False)
    except Exception as exc:  # a pack error: one line, no traceback
        print(f"rewrite_check: cannot build an engine: {exc}", file=sys.stderr)
        return 2
    if not args.benign and not any(SHARED_BENIGN.glob("*.txt")):
        # said, not silent: from a worktree or a clone without shared/ beside it, the bank
        # SMS are not read unless named with --benign
        print(
            f"rewrite_check: no shared bank SMS at {SHARED_BENIGN}: ordinary messages are "
            "tests/data/benign_probe.jsonl only (name others with --benign)",
            file=sys.stderr,
        )
    try:
        items = [
            *example_items(before),
            *labelled_items(data),
            *ordinary_items(args.benign or default_benign()),
        ]
    except DataSetError as exc:
        print(f"rewrite_check: {exc}", file=sys.stderr)
        return 2
    report = compare(before, after, items)
    print(render_json(report) if args.json else render_text(report))
    return 0 if report.clean else 1


if __name__ == "__main__":
    sys.exit(main())
