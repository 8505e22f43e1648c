"""How big are the packs, and how much of them is regex? (issue 13's readability figures)

    python bench/pack_size.py [DIR] [--top N] [--json]
    python bench/pack_size.py --max-chars 20000 --max-pattern 300    # a gate: exit 1 above

Counts, over the pack files of DIR (default: the shipped rules/zh-CN) and the concept
files under DIR/concepts: rules by ``match.kind`` and status; concepts, their term entries
and their short ``patterns``; every regex a pack holds (``pattern:`` in a match, at any
depth of ``any``/``all``, in ``exceptions.unless`` and ``exceptions.requires``) with its
characters as written (a ``(?x)`` pattern's comments and layout included: that is what a
reader has to read). A pattern repeated through a YAML alias counts each time it is used,
as the engine compiles it each time.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Sizes:
    rules: Counter[str] = field(default_factory=Counter)  # "kind" and "kind (trial)"
    concepts: int = 0
    concept_entries: int = 0
    concept_pattern_chars: int = 0
    #: (rule id, where in the rule, characters)
    patterns: list[tuple[str, str, int]] = field(default_factory=list)
    pack_bytes: int = 0

    @property
    def regex_chars(self) -> int:
        return sum(n for _, _, n in self.patterns)

    def over(self, limit: int) -> list[tuple[str, str, int]]:
        return [p for p in self.patterns if p[2] > limit]


def regexes(node: object, where: str) -> Iterator[tuple[str, str]]:
    """(where, pattern) for every ``pattern`` string under ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "examples":
                continue
            if key == "pattern" and isinstance(value, str):
                yield where, value
            else:
                yield from regexes(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from regexes(value, f"{where}[{i}]")


def measure(folder: Path) -> Sizes:
    sizes = Sizes()
    for path in sorted(folder.glob("*.yaml")):
        sizes.pack_bytes += path.stat().st_size
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for rule in doc.get("rules", []):
            kind = rule.get("match", {}).get("kind", "?")
            trial = " (trial)" if rule.get("status") == "trial" else ""
            sizes.rules[kind + trial] += 1
            for part in ("match", "exceptions"):
                for where, pattern in regexes(rule.get(part), part):
                    sizes.patterns.append((rule["id"], where, len(pattern)))
    for path in sorted((folder / "concepts").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for concept in (doc.get("concepts") or {}).values():
            sizes.concepts += 1
            sizes.concept_entries += sum(len(str(t).split("|")) for t in concept.get("terms", []))
            sizes.concept_pattern_chars += sum(len(p) for p in concept.get("patterns", []))
    return sizes


def render_text(sizes: Sizes, top: int) -> str:
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(sizes.rules.items()))
    longest = sorted(sizes.patterns, key=lambda p: -p[2])[:top]
    lines = [
        f"pack files: {sizes.pack_bytes:,} bytes",
        f"rules: {sum(sizes.rules.values())} ({kinds})",
        f"concepts: {sizes.concepts}, {sizes.concept_entries} entries, "
        f"{sizes.concept_pattern_chars} characters of short concept patterns",
        f"regex: {sizes.regex_chars:,} characters in {len(sizes.patterns)} patterns; "
        f"over 300: {len(sizes.over(300))}; over 1,000: {len(sizes.over(1000))}",
    ]
    if longest:
        lines.append(f"longest {len(longest)}:")
        lines += [f"  {n:>6}  {rule}  {where}" for rule, where, n in longest]
    return "\n".join(lines)


def render_json(sizes: Sizes) -> str:
    by_rule: Counter[str] = Counter()
    for rule, _, n in sizes.patterns:
        by_rule[rule] += n
    doc = {
        "pack_bytes": sizes.pack_bytes,
        "rules": dict(sizes.rules),
        "concepts": sizes.concepts,
        "concept_entries": sizes.concept_entries,
        "concept_pattern_chars": sizes.concept_pattern_chars,
        "regex_chars": sizes.regex_chars,
        "patterns": len(sizes.patterns),
        "over_300": len(sizes.over(300)),
        "over_1000": len(sizes.over(1000)),
        "by_rule": dict(by_rule.most_common()),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("folder", nargs="?", type=Path, default=ROOT / "rules" / "zh-CN")
    p.add_argument("--top", type=int, default=10, help="list the N longest patterns")
    p.add_argument("--json", action="store_true")
    p.add_argument("--max-chars", type=int, help="exit 1 when all regex together is longer")
    p.add_argument("--max-pattern", type=int, help="exit 1 when a pattern is longer")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.folder.is_dir():
        print(f"pack_size: {args.folder}: not a folder of packs", file=sys.stderr)
        return 2
    try:
        sizes = measure(args.folder)
    except (OSError, yaml.YAMLError, AttributeError) as exc:
        print(f"pack_size: {exc}".replace("\n", " "), file=sys.stderr)
        return 2
    print(render_json(sizes) if args.json else render_text(sizes, args.top))
    failed = []
    if args.max_chars is not None and sizes.regex_chars > args.max_chars:
        failed.append(f"regex {sizes.regex_chars:,} characters > {args.max_chars:,}")
    if args.max_pattern is not None and (long := sizes.over(args.max_pattern)):
        failed.append(f"{len(long)} pattern(s) over {args.max_pattern} characters")
    for line in failed:
        print(f"pack_size: {line}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
