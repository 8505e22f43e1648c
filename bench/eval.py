"""Score the rule packs against a labelled message set (tests/data/dev_messages.yaml).

    python bench/eval.py DATASET.yaml [DATASET.yaml ...] [--packs DIR ...] [--no-shipped]
                         [--select SELECTOR ...] [--ignore SELECTOR ...]
                         [--severity RULE=LEVEL ...]
                         [--json] [--min-precision P --min-recall R]
                         [--record FIGURES.json | --at-least FIGURES.json]
                         [--benign FILE ...] [--describe]

Every message is linted by the real engine. A category counts as predicted for a
message when at least one violation of that category has severity error or warning
(info is advice, not a finding). The learned model's rules (ZH-MDL-…) run as shipped;
``--ignore ZH-MDL`` scores the rules alone, as a deployment that turns the model off.
Prints precision / recall / F1 per category and micro-averaged, every false positive and
false negative, and the throughput.

A real message whose source quotes only its body (`signature: not_shown`) is left out of
missing_identification: nobody can tell whether it carried a 【signature】.

--benign FILE lints ordinary messages (a .txt file, one message per line, or a .jsonl file
with a "text" field) and reports how many raise an error and how many raise anything at
all. --describe prints the counts of the data sets (labels, recipient, channel,
provenance, signature) without linting anything.

Exit 0: it is a report. With --min-precision / --min-recall, exit 1 when one of the
main categories falls below either bound; with --at-least FIGURES.json, exit 1 when a
category's precision or recall, or the content-message recall, is below the figures
recorded there by --record (a regression gate at the figures reached, not a target).
Exit 2 when the data set cannot be read.
The --json document carries ids, categories and rule ids only, never message text.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from linter.core.engine import Engine, LintOutcome
from linter.core.models import (
    CONTENT_CATEGORIES,
    Category,
    Channel,
    MessageContext,
    Recipient,
    Severity,
    problem_text,
)
from linter.core.options import EngineOptions
from linter.packs.loader import build_engine

MAIN_CATEGORIES = (
    Category.threat,
    Category.third_party_disclosure,
    Category.misleading_legal,
    Category.missing_identification,
)
COUNTED = {Severity.error, Severity.warning}
TEXT_WIDTH = 40
#: written sets kept for measuring: no script trains or decides on them by default (a blind
#: set stays blind until its first run is recorded and its misses are read on purpose)
MEASURING_ONLY = frozenset(
    {
        "holdout10_messages.yaml",
        "holdout11_messages.yaml",
        "holdout12_messages.yaml",
        "holdout13_messages.yaml",
        "holdout15_messages.yaml",
        "holdout16_messages.yaml",
    }
)
Provenance = Literal[
    "court_judgment",
    "court_news",
    "news_report",
    "complaint_platform",
    "forum_post",
    "regulator_notice",
    "production_template",
    "lender_notice",
    "article_transcription",
    "message_dataset",
]


class LabelledMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    text: str
    context: MessageContext = Field(default_factory=MessageContext)
    labels: list[Category]
    note: str = ""
    #: where a real message was copied from (URL or github:owner/repo@commit:path)
    source: str = ""
    #: what kind of source (see PROVENANCES); empty for written sets
    provenance: Provenance | Literal[""] = ""
    #: the search that showed the quote (so a second person can check it against the source)
    found_by: str = ""
    #: real messages: does the source show the whole message, where a 【signature】 would be?
    signature: Literal["shown", "not_shown"] | None = None

    def scored(self, category: Category) -> bool:
        """Whether this message can say anything about ``category``."""
        return not (category is Category.missing_identification and self.signature == "not_shown")


class DataSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    messages: list[LabelledMessage]


class DataSetError(Exception):
    """The labelled file cannot be used; ``str()`` is one line."""


def load_dataset(path: Path) -> list[LabelledMessage]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataSetError(f"{path}: {exc}".replace("\n", " ")) from exc
    try:
        data = DataSet.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise DataSetError(f"{path}: {where}: {problem_text(first)}") from exc
    seen: set[str] = set()
    for msg in data.messages:
        if msg.id in seen:
            raise DataSetError(f"{path}: duplicate id {msg.id}")
        seen.add(msg.id)
    return data.messages


@dataclass
class Prediction:
    message: LabelledMessage
    predicted: set[Category]
    #: rule ids that fired at error/warning, by category
    rules: dict[Category, list[str]]
    #: every rule that fired, any severity, as "RULE(severity)"
    fired: list[str]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    support: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "support": self.support,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class Miss:
    id: str
    category: Category
    text: str
    rules: list[str]


@dataclass
class Evaluation:
    scores: dict[Category, Score]
    micro: Score
    false_positives: list[Miss] = field(default_factory=list)
    false_negatives: list[Miss] = field(default_factory=list)
    exact: int = 0
    messages: int = 0
    seconds: float = 0.0
    #: messages with a content label / of those, how many any content rule caught
    content: Score = field(default_factory=Score)
    #: provenance → (messages, content-labelled, caught, compliant, compliant flagged)
    by_provenance: dict[str, list[int]] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


def rule_matches(outcome: LintOutcome) -> list[tuple[Category, str, Severity]]:
    """Each rule's own match in an outcome: a merged finding counts once per rule in it."""
    return [(v.category, m.rule, m.severity) for v in outcome.violations for m in v.matches or [v]]


def predict(engine: Engine, messages: Sequence[LabelledMessage]) -> tuple[list[Prediction], float]:
    out: list[Prediction] = []
    if messages:  # warm-up: lazy tokenizer / dictionary loading is not throughput
        engine.lint(messages[0].text, messages[0].context)
    started = time.perf_counter()
    for msg in messages:
        outcome = engine.lint(msg.text, msg.context)
        rules: dict[Category, list[str]] = {}
        matches = rule_matches(outcome)
        for category, rule, severity in matches:
            if severity in COUNTED and rule not in rules.get(category, []):
                rules.setdefault(category, []).append(rule)
        fired = sorted({f"{rule}({severity.value})" for _, rule, severity in matches})
        out.append(Prediction(msg, set(rules), rules, fired))
    return out, time.perf_counter() - started


def shorten(text: str, width: int = TEXT_WIDTH) -> str:
    """One line, invisible characters made visible, cut to ``width`` characters."""
    shown = "".join(
        f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text
    )
    return shown if len(shown) <= width else shown[: width - 1] + "…"


def evaluate(predictions: list[Prediction], seconds: float) -> Evaluation:
    scores = {c: Score() for c in Category}
    result = Evaluation(scores=scores, micro=Score(), messages=len(predictions), seconds=seconds)
    for pred in predictions:
        gold = set(pred.message.labels)
        if gold == {c for c in pred.predicted if pred.message.scored(c)}:
            result.exact += 1
        has_content = bool(gold & CONTENT_CATEGORIES)
        caught = bool(pred.predicted & CONTENT_CATEGORIES)
        result.content.support += has_content
        result.content.tp += has_content and caught
        result.content.fn += has_content and not caught
        row = result.by_provenance.setdefault(pred.message.provenance or "-", [0, 0, 0, 0, 0])
        row[0] += 1
        row[1] += has_content
        row[2] += has_content and caught
        row[3] += not gold
        # a category left out for this message (missing_identification where the source
        # shows no signature) flags nothing: it is neither a hit nor a false positive
        row[4] += not gold and any(pred.message.scored(c) for c in pred.predicted)
        for cat in Category:
            if not pred.message.scored(cat):
                continue
            score = scores[cat]
            in_gold, in_pred = cat in gold, cat in pred.predicted
            score.support += in_gold
            if in_gold and in_pred:
                score.tp += 1
            elif in_pred:
                score.fp += 1
                miss = Miss(pred.message.id, cat, pred.message.text, pred.rules[cat])
                result.false_positives.append(miss)
            elif in_gold:
                score.fn += 1
                miss = Miss(pred.message.id, cat, pred.message.text, pred.fired)
                result.false_negatives.append(miss)
    for s in scores.values():
        result.micro.tp += s.tp
        result.micro.fp += s.fp
        result.micro.fn += s.fn
        result.micro.support += s.support
    return result


def render_table(result: Evaluation) -> str:
    head = (
        f"{'category':<24}{'support':>8}{'TP':>5}{'FP':>5}{'FN':>5}"
        f"{'prec':>8}{'recall':>8}{'F1':>8}"
    )
    lines = [head, "-" * len(head)]

    def row(name: str, s: Score) -> str:
        return (
            f"{name:<24}{s.support:>8}{s.tp:>5}{s.fp:>5}{s.fn:>5}"
            f"{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}"
        )

    lines += [row(c.value, s) for c, s in result.scores.items()]
    lines += ["-" * len(head), row("micro avg", result.micro)]
    return "\n".join(lines)


def render_provenance(result: Evaluation) -> str:
    head = (
        f"{'provenance':<24}{'msgs':>6}{'content':>9}{'caught':>8}{'recall':>8}"
        f"{'ok':>5}{'flagged':>9}"
    )
    lines = [head, "-" * len(head)]
    for name, (n, content, caught, ok, flagged) in sorted(result.by_provenance.items()):
        recall = f"{caught / content:.3f}" if content else "-"
        lines.append(f"{name:<24}{n:>6}{content:>9}{caught:>8}{recall:>8}{ok:>5}{flagged:>9}")
    return "\n".join(lines)


def render_misses(title: str, misses: list[Miss], rules_label: str) -> str:
    lines = [f"{title} ({len(misses)})"]
    for m in sorted(misses, key=lambda m: (m.category.value, m.id)):
        rules = ", ".join(m.rules) or "-"
        lines.append(f"  {m.id:<9} {m.category.value:<24} {shorten(m.text)}")
        lines.append(f"  {'':<9} {rules_label}: {rules}")
    return "\n".join(lines)


def render_text(result: Evaluation, load_seconds: float) -> str:
    share = result.exact / result.messages if result.messages else 0.0
    parts = [
        render_table(result),
        "",
        f"messages: {result.messages}   exact label-set match: {result.exact} ({share:.1%})",
        f"content-message recall: {result.content.tp}/{result.content.support} "
        f"({result.content.recall:.3f}) — messages with a threat, disclosure, legal or abuse "
        "label that any content rule caught",
        "",
        render_provenance(result),
        "",
        f"throughput: {result.per_second:,.0f} messages/s "
        f"(lint {result.seconds * 1000:.0f} ms, engine build {load_seconds * 1000:.0f} ms)",
        "",
        render_misses("false positives", result.false_positives, "fired"),
        "",
        render_misses("false negatives", result.false_negatives, "rules that fired (any category)"),
    ]
    return "\n".join(parts)


def render_json(result: Evaluation, load_seconds: float) -> str:
    def misses(items: list[Miss]) -> list[dict[str, Any]]:
        return [{"id": m.id, "category": m.category.value, "rules": m.rules} for m in items]

    doc = {
        "messages": result.messages,
        "exact_match": result.exact,
        "per_category": {c.value: s.as_dict() for c, s in result.scores.items()},
        "micro": result.micro.as_dict(),
        "content_message_recall": result.content.as_dict(),
        "by_provenance": {
            name: dict(
                zip(("messages", "content", "caught", "compliant", "flagged"), row, strict=True)
            )
            for name, row in sorted(result.by_provenance.items())
        },
        "messages_per_second": round(result.per_second, 1),
        "lint_seconds": round(result.seconds, 4),
        "engine_build_seconds": round(load_seconds, 4),
        "false_positives": misses(result.false_positives),
        "false_negatives": misses(result.false_negatives),
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)


def describe(messages: Sequence[LabelledMessage]) -> str:
    """Counts of a labelled set: labels, recipient, channel, provenance, signature."""
    tables: dict[str, Counter[str]] = {
        "labels": Counter(),
        "recipient": Counter(),
        "channel": Counter(),
        "provenance": Counter(),
        "signature": Counter(),
    }
    for m in messages:
        tables["labels"].update([c.value for c in m.labels] or ["compliant ([])"])
        tables["recipient"][m.context.recipient.value] += 1
        tables["channel"][m.context.channel.value] += 1
        tables["provenance"][m.provenance or "-"] += 1
        tables["signature"][m.signature or "-"] += 1
    content = sum(bool(set(m.labels) & CONTENT_CATEGORIES) for m in messages)
    lines = [f"messages: {len(messages)}   with a content violation: {content}"]
    for name, counts in tables.items():
        lines.append(f"{name}: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
    return "\n".join(lines)


@dataclass
class BenignResult:
    messages: int = 0
    with_error: int = 0
    with_anything: int = 0
    #: rule id → messages it fired on (any severity)
    rules: Counter[str] = field(default_factory=Counter)


class BenignMessage(BaseModel):
    """One ordinary message; a .jsonl line may give recipient and channel beside the text."""

    model_config = ConfigDict(extra="ignore")

    text: str
    recipient: Recipient = Recipient.debtor
    channel: Channel = Channel.sms

    @property
    def context(self) -> MessageContext:
        return MessageContext(recipient=self.recipient, channel=self.channel)


def load_benign(path: Path) -> list[BenignMessage]:
    """Ordinary messages: a .txt file (one a line) or .jsonl ("text", optional "context")."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataSetError(f"{path}: {exc}") from exc
    out: list[BenignMessage] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if path.suffix != ".jsonl":
            out.append(BenignMessage(text=line))
            continue
        try:
            out.append(BenignMessage.model_validate_json(line))
        except ValidationError as exc:
            first = exc.errors()[0]
            raise DataSetError(f"{path}:{number}: {problem_text(first)}") from exc
    if not out:
        raise DataSetError(f"{path}: no messages")
    return out


def lint_benign(engine: Engine, messages: Sequence[BenignMessage]) -> BenignResult:
    result = BenignResult(messages=len(messages))
    for msg in messages:
        outcome = engine.lint(msg.text, msg.context)
        fired = {rule: severity for _, rule, severity in rule_matches(outcome)}
        result.with_anything += bool(fired)
        result.with_error += Severity.error in fired.values()
        result.rules.update(fired.keys())
    return result


def render_benign(result: BenignResult) -> str:
    rules = ", ".join(f"{rule} {n}" for rule, n in result.rules.most_common()) or "-"
    share = result.with_anything / result.messages if result.messages else 0.0
    return (
        f"ordinary messages: {result.messages}   raising an error: {result.with_error}   "
        f"raising anything: {result.with_anything} ({share:.2%})\n"
        f"rules that fired on them: {rules}"
    )


def figures(result: Evaluation) -> dict[str, float]:
    """The figures --record writes and --at-least holds a later run to."""
    out = {"content_message_recall": round(result.content.recall, 4)}
    for cat in (*MAIN_CATEGORIES, Category.abusive_language):
        s = result.scores[cat]
        if s.support:
            out[f"{cat.value}.precision"] = round(s.precision, 4)
            out[f"{cat.value}.recall"] = round(s.recall, 4)
    return out


def below_recorded(result: Evaluation, recorded: dict[str, float]) -> list[str]:
    now = figures(result)
    return [
        f"{name}: {now.get(name, 0.0):.4f} < {floor:.4f} recorded"
        for name, floor in sorted(recorded.items())
        if now.get(name, 0.0) + 1e-9 < floor
    ]


def below_bounds(result: Evaluation, min_p: float | None, min_r: float | None) -> list[str]:
    failures: list[str] = []
    for cat in MAIN_CATEGORIES:
        s = result.scores[cat]
        if min_p is not None and s.precision < min_p:
            failures.append(f"{cat.value}: precision {s.precision:.3f} < {min_p}")
        if min_r is not None and s.recall < min_r:
            failures.append(f"{cat.value}: recall {s.recall:.3f} < {min_r}")
    return failures


def count_trial(engine: Engine, how: str) -> None:
    """Score ``status: trial`` rules as if active (``count``), or only them (``only``)."""
    if how == "info":
        return
    for rule in engine.all_rules:
        if rule.spec.status == "trial":
            rule.severity = rule.spec.severity
    if how == "only":
        engine.rules = [r for r in engine.rules if r.spec.status == "trial"]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument(
        "datasets",
        type=Path,
        nargs="+",
        metavar="dataset",
        help="labelled YAML files, e.g. tests/data/dev_messages.yaml (ids unique across them)",
    )
    p.add_argument(
        "--packs",
        nargs="+",
        action="extend",
        type=Path,
        default=[],
        metavar="DIR",
        help="extra pack files or folders (added to the shipped packs)",
    )
    p.add_argument(
        "--no-shipped", action="store_true", help="score only the packs given with --packs"
    )
    p.add_argument(
        "--trial",
        choices=["info", "count", "only"],
        default="info",
        help="trial rules: info as shipped (not counted); count them at their severity; "
        "or score only them",
    )
    p.add_argument(
        "--severity",
        nargs="+",
        action="extend",
        default=[],
        metavar="RULE=LEVEL",
        help="a rule's severity, as a config's [severity] (e.g. ZH-MDL-001=warning)",
    )
    p.add_argument(
        "--select",
        nargs="+",
        action="extend",
        default=None,
        metavar="SELECTOR",
        help="rules run (default ALL; the model's rules only when named: ALL ZH-MDL)",
    )
    p.add_argument(
        "--ignore",
        nargs="+",
        action="extend",
        default=[],
        metavar="SELECTOR",
        help="rules left out (ids, id prefixes, categories, names)",
    )
    p.add_argument("--json", action="store_true", help="print a JSON document (no message text)")
    p.add_argument("--min-precision", type=float, metavar="P")
    p.add_argument("--min-recall", type=float, metavar="R")
    gate = p.add_mutually_exclusive_group()
    gate.add_argument(
        "--record", type=Path, metavar="FIGURES", help="write this run's figures (JSON)"
    )
    gate.add_argument(
        "--at-least",
        type=Path,
        metavar="FIGURES",
        help="exit 1 when a figure is below the one recorded in FIGURES",
    )
    p.add_argument(
        "--benign",
        nargs="+",
        action="extend",
        type=Path,
        default=[],
        metavar="FILE",
        help="ordinary messages (.txt one a line, or .jsonl): count what they raise",
    )
    p.add_argument("--describe", action="store_true", help="print the data sets' counts and stop")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        messages = [m for path in args.datasets for m in load_dataset(path)]
        ids = [m.id for m in messages]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise DataSetError(f"duplicate id {dup} across the data sets")
        benign = [m for path in args.benign for m in load_benign(path)]
        recorded: dict[str, float] = (
            json.loads(args.at_least.read_text(encoding="utf-8")) if args.at_least else {}
        )
    except (DataSetError, OSError, ValueError) as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 2
    if args.describe:
        print(describe(messages))
        return 0
    try:
        severity = dict(item.split("=", 1) for item in args.severity)
        options = EngineOptions(
            select=args.select or ["ALL"], severity=severity, ignore=args.ignore
        )
    except (ValueError, ValidationError) as exc:
        print(f"eval: --severity: {exc}".splitlines()[0], file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        engine = build_engine(args.packs, options, shipped=not args.no_shipped)
    except Exception as exc:  # a pack error: one line, no traceback
        print(f"eval: cannot build the engine: {exc}", file=sys.stderr)
        return 2
    load_seconds = time.perf_counter() - started
    count_trial(engine, args.trial)
    predictions, seconds = predict(engine, messages)
    result = evaluate(predictions, seconds)
    print(render_json(result, load_seconds) if args.json else render_text(result, load_seconds))
    if benign:
        print("\n" + render_benign(lint_benign(engine, benign)))
    if args.record:
        args.record.write_text(
            json.dumps(figures(result), indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
    failures = below_bounds(result, args.min_precision, args.min_recall)
    failures += below_recorded(result, recorded)
    for line in failures:
        print(f"below bound: {line}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
