"""How far the trial (concept / frame) rules are from replacing each phrase-list rule.

    python bench/retire_check.py [--packs DIR ...] [--no-shipped] [--data FILE ...]
                                 [--category CAT ...] [--details] [--json]

Issue 13 retires a regex rule only when the concept rules pass its examples and lose nothing
on the labelled sets. For each active rule (regex or term list; not the learned model's) of
threat, third_party_disclosure and misleading_legal this reports, with ``status: trial``
rules counted at their own severity (as ``bench/eval.py --trial count``):

1. triggers: of the rule's trigger examples, how many a trial rule of its category catches
   (at error or warning), and which not;
2. pass hits: of its pass examples, how many a trial rule of its category fires on. A hit
   where another active rule of the category fires too is "excused" (the category is
   flagged there anyway) and does not block;
3. lost TP / FP gone: over the labelled sets, the messages of its category that are caught
   with it and not without it, and the false positives that go with it;
4. a verdict: ``retire-ready`` when 1 is complete and 2 and 3 are zero, else what blocks.

Rules are independent of each other (a rule's findings never depend on which other rules
are selected), so every text is linted once and each rule's removal is computed from the
rules that fired, rather than rebuilding the engine with ``ignore`` once per rule.

Default labelled sets: the written dev sets (tests/data/dev*_messages.yaml),
tests/data/holdout*_messages.yaml (but
those eval.MEASURING_ONLY keeps blind) and tests/data/real/dev/*.yaml. Nothing under a
folder named ``test`` is read (that half is for reporting, never for deciding). A report:
exit 0; exit 2 when a pack or data set cannot be read. The JSON document carries rule ids,
example indexes and message ids, not texts.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval import (
    COUNTED,
    MEASURING_ONLY,
    DataSetError,
    LabelledMessage,
    count_trial,
    load_dataset,
    shorten,
)

from linter.core.engine import CompiledRule, Engine
from linter.core.models import Category, MessageContext
from linter.packs.loader import build_engine

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = (Category.threat, Category.third_party_disclosure, Category.misleading_legal)
#: rules that are not phrase lists a trial rule could replace
NOT_CANDIDATES = {"model"}
READY = "retire-ready"

#: what fired on one text: category → rules at error or warning (trial rules counted)
Fired = dict[Category, frozenset[str]]


def default_datasets(root: Path = ROOT) -> list[Path]:
    data = root / "tests" / "data"
    return [
        *sorted(data.glob("dev*_messages.yaml")),
        *sorted(p for p in data.glob("holdout*_messages.yaml") if p.name not in MEASURING_ONLY),
        *sorted((data / "real" / "dev").glob("*.yaml")),
    ]


class Linter:
    """Each text linted once; what fired, by category, at error or warning."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._seen: dict[tuple[str, str], Fired] = {}

    def fired(self, text: str, context: MessageContext) -> Fired:
        key = (text, context.model_dump_json())
        if key not in self._seen:
            out: dict[Category, set[str]] = {}
            for v in self.engine.find(text, context):
                if v.severity in COUNTED:
                    out.setdefault(v.category, set()).add(v.rule)
            self._seen[key] = {c: frozenset(r) for c, r in out.items()}
        return self._seen[key]


@dataclass
class RuleReport:
    rule: str
    category: str
    kind: str
    triggers: int
    #: trigger examples (index, text) no trial rule of the category catches
    missed: list[tuple[int, str]] = field(default_factory=list)
    #: pass examples (index, text, trial rules) a trial rule fires on, no other rule excusing it
    pass_hits: list[tuple[int, str, list[str]]] = field(default_factory=list)
    #: pass examples a trial rule fires on where another active rule of the category fires too
    pass_excused: int = 0
    #: labelled messages of the category caught only by this rule
    lost_tp: list[str] = field(default_factory=list)
    #: labelled messages wrongly flagged for the category only by this rule
    fp_gone: list[str] = field(default_factory=list)

    @property
    def caught(self) -> int:
        return self.triggers - len(self.missed)

    @property
    def distance(self) -> int:
        """Examples and messages standing between the rule and its retirement."""
        return len(self.missed) + len(self.pass_hits) + len(self.lost_tp)

    @property
    def verdict(self) -> str:
        if not self.distance:
            return READY
        parts = []
        if self.missed:
            parts.append(f"{len(self.missed)} trigger(s) missed")
        if self.pass_hits:
            parts.append(f"{len(self.pass_hits)} pass hit(s)")
        if self.lost_tp:
            parts.append(f"{len(self.lost_tp)} TP lost")
        return ", ".join(parts)


def candidates(engine: Engine, categories: Sequence[Category]) -> list[CompiledRule]:
    return [
        r
        for r in engine.rules
        if r.spec.category in categories
        and r.spec.status == "active"
        and r.spec.match.kind not in NOT_CANDIDATES
    ]


def check_rule(
    rule: CompiledRule,
    trial: frozenset[str],
    lint: Linter,
    messages: Sequence[LabelledMessage],
) -> RuleReport:
    spec = rule.spec
    cat = spec.category
    report = RuleReport(spec.id, cat.value, spec.match.kind, len(spec.examples.trigger))
    for i, ex in enumerate(spec.examples.trigger):
        if not lint.fired(ex.text, ex.context).get(cat, frozenset()) & trial:
            report.missed.append((i, ex.text))
    for i, ex in enumerate(spec.examples.passing):
        rules = lint.fired(ex.text, ex.context).get(cat, frozenset())
        if hits := rules & trial:
            if rules - trial - {spec.id}:
                report.pass_excused += 1
            else:
                report.pass_hits.append((i, ex.text, sorted(hits)))
    for msg in messages:
        if not msg.scored(cat) or lint.fired(msg.text, msg.context).get(cat) != {spec.id}:
            continue
        (report.lost_tp if cat in msg.labels else report.fp_gone).append(msg.id)
    return report


def retire_check(
    engine: Engine, messages: Sequence[LabelledMessage], categories: Sequence[Category]
) -> list[RuleReport]:
    """Every candidate rule's report, the closest to retirement first."""
    count_trial(engine, "count")
    trial = frozenset(r.spec.id for r in engine.rules if r.spec.status == "trial")
    lint = Linter(engine)
    reports = [check_rule(r, trial, lint, messages) for r in candidates(engine, categories)]
    return sorted(
        reports,
        key=lambda r: (r.distance, -r.caught / r.triggers if r.triggers else 0.0, r.rule),
    )


def render_table(reports: Sequence[RuleReport]) -> str:
    head = (
        f"{'rule':<12}{'category':<24}{'kind':<7}{'triggers':>9}{'pass hit':>9}"
        f"{'excused':>8}{'lost TP':>8}{'FP gone':>8}  verdict"
    )
    lines = [head, "-" * len(head)]
    for r in reports:
        lines.append(
            f"{r.rule:<12}{r.category:<24}{r.kind:<7}{f'{r.caught}/{r.triggers}':>9}"
            f"{len(r.pass_hits):>9}{r.pass_excused:>8}{len(r.lost_tp):>8}{len(r.fp_gone):>8}"
            f"  {r.verdict}"
        )
    return "\n".join(lines)


def render_summary(reports: Sequence[RuleReport], categories: Sequence[Category]) -> str:
    lines = ["summary (distance = triggers missed + pass hits + TP lost)"]
    for cat in [*categories, None]:
        rows = [r for r in reports if cat is None or r.category == cat.value]
        ready = sum(r.distance == 0 for r in rows)
        near = sum(1 <= r.distance <= 2 for r in rows)
        full = sum(not r.missed for r in rows)
        name = cat.value if cat is not None else "all"
        lines.append(
            f"  {name:<24} rules {len(rows):>3}   retire-ready {ready:>3}   within 1-2 {near:>3}"
            f"   triggers all caught {full:>3}"
        )
    return "\n".join(lines)


def render_details(reports: Sequence[RuleReport]) -> str:
    lines = ["details (rules not ready)"]
    for r in reports:
        if not r.distance:
            continue
        lines.append(f"  {r.rule}: {r.verdict}")
        lines += [f"    missed trigger #{i}: {shorten(t)}" for i, t in r.missed]
        lines += [f"    pass #{i} hit by {', '.join(h)}: {shorten(t)}" for i, t, h in r.pass_hits]
        if r.lost_tp:
            lines.append(f"    TP lost: {', '.join(r.lost_tp)}")
    return "\n".join(lines)


def render_json(reports: Sequence[RuleReport]) -> str:
    def row(r: RuleReport) -> dict[str, object]:
        d = asdict(r)
        d["missed"] = [i for i, _ in r.missed]
        d["pass_hits"] = [{"index": i, "rules": h} for i, _, h in r.pass_hits]
        return {**d, "caught": r.caught, "distance": r.distance, "verdict": r.verdict}

    return json.dumps([row(r) for r in reports], ensure_ascii=False, indent=2)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument(
        "--packs", nargs="+", action="extend", type=Path, default=[], metavar="DIR",
        help="extra pack files or folders (added to the shipped packs)",
    )  # fmt: skip
    p.add_argument("--no-shipped", action="store_true", help="only the packs given with --packs")
    p.add_argument(
        "--data", nargs="+", action="extend", type=Path, default=[], metavar="FILE",
        help="labelled sets (default: dev, holdout*, real/dev)",
    )  # fmt: skip
    p.add_argument(
        "--category", nargs="+", action="extend", default=[], metavar="CAT",
        choices=[c.value for c in CATEGORIES], help="only these categories",
    )  # fmt: skip
    p.add_argument("--details", action="store_true", help="list what blocks each rule")
    p.add_argument("--json", action="store_true", help="a JSON document (no texts)")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    paths: list[Path] = args.data or default_datasets()
    if bad := [p for p in paths if p.resolve().parent.name == "test"]:
        print(f"retire_check: {bad[0]}: the test half is never used here", file=sys.stderr)
        return 2
    try:
        messages = [m for path in paths for m in load_dataset(path)]
    except DataSetError as exc:
        print(f"retire_check: {exc}", file=sys.stderr)
        return 2
    try:
        engine = build_engine(args.packs, shipped=not args.no_shipped)
    except Exception as exc:  # a pack error: one line, no traceback
        print(f"retire_check: cannot build the engine: {exc}", file=sys.stderr)
        return 2
    categories = [Category(c) for c in args.category] or list(CATEGORIES)
    reports = retire_check(engine, messages, categories)
    if args.json:
        print(render_json(reports))
        return 0
    parts = [render_table(reports), "", render_summary(reports, categories)]
    parts.append(f"labelled messages: {len(messages)} from {len(paths)} file(s)")
    if args.details:
        parts += ["", render_details(reports)]
    print("\n".join(parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
