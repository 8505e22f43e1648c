"""The shipped packs: every example passes, evasions still match, real bank SMS stay clean."""

from __future__ import annotations

from collections import Counter

import opencc
import pytest

from linter.engine import Engine
from linter.models import Category, MessageContext, Severity
from linter.pack_loader import load_pack, pack_files, shipped_pack_dir
from linter.prepare import prepare
from linter.rule_tests import run_rule_examples

SHIPPED = [load_pack(p) for p in pack_files([shipped_pack_dir()])]
RULES = [(pack.path, rule) for pack in SHIPPED for rule in pack.spec.rules]
MAIN_CATEGORIES = (
    Category.threat,
    Category.third_party_disclosure,
    Category.misleading_legal,
    Category.missing_identification,
)


def test_packs_cover_every_category_with_enough_rules():
    counts = Counter(rule.category for _, rule in RULES)
    assert len(RULES) >= 40, counts
    for category in (*MAIN_CATEGORIES, Category.abusive_language):
        assert counts[category] >= 5, (category, counts)
    assert counts[Category.contact_time] >= 1


@pytest.mark.parametrize("rule_id", [rule.id for _, rule in RULES])
def test_rule_examples(engine: Engine, rule_id: str):
    rule = engine.rule(rule_id)
    assert rule is not None
    only = {rule.pack_path}
    report = run_rule_examples(engine, only)
    mine = [f for f in report.failures if f.rule == rule_id]
    assert not mine, "\n".join(f"{f.kind}[{f.index}] {f.reason}: {f.text}" for f in mine)


_S2T = opencc.OpenCC("s2t")


def _evasions(text: str, span: str) -> list[tuple[str, str]]:
    """The same message written in traditional characters, full width, and with 法*院 gaps."""
    variants = []
    traditional = _S2T.convert(text)
    if prepare(traditional).text == prepare(text).text:
        variants.append(("traditional", traditional))
    full = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    variants.append(("full-width", full))
    han = [
        i
        for i in range(len(span) - 1)
        if "\u4e00" <= span[i] <= "\u9fff" and "\u4e00" <= span[i + 1] <= "\u9fff"
    ]
    if han:
        cut = han[0] + 1
        variants.append(("separator", text.replace(span, span[:cut] + "*" + span[cut:], 1)))
    return variants


EVASION_CASES = [
    pytest.param(rule.id, i, kind, variant, ex.context, id=f"{rule.id}-{i}-{kind}")
    for _, rule in RULES
    if rule.match.kind in ("terms", "near", "regex")
    for i, ex in enumerate(rule.examples.trigger)
    if ex.span
    for kind, variant in _evasions(ex.text, ex.span)
]


@pytest.mark.parametrize(("rule_id", "index", "kind", "text", "context"), EVASION_CASES)
def test_trigger_examples_survive_evasion(
    engine: Engine, rule_id: str, index: int, kind: str, text: str, context: MessageContext
):
    raised = {r for v in engine.lint(text, context).violations for r in v.rules}
    assert rule_id in raised, f"{kind} variant not caught: {text}"


def test_real_bank_sms_raise_no_error(engine: Engine, benign_messages: list[str]):
    errors = []
    for text in benign_messages:
        for v in engine.lint(text).violations:
            if v.severity == Severity.error:
                errors.append(f"{v.rule} on {v.matched!r} in {text[:40]}…")
    assert not errors, "\n".join(errors)


def test_ordinary_and_compliant_messages_raise_nothing(engine: Engine):
    """250 messages written to tempt the rules (法院路支行, 打爆对手, a regulator's notice,
    lawyers' seminars, brand names with 分期, neutral messages to contacts): all allowed."""
    import json
    from pathlib import Path

    path = Path(__file__).parent / "data" / "benign_probe.jsonl"
    flagged = []
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        context = MessageContext(
            recipient=item.get("recipient", "debtor"), channel=item.get("channel", "sms")
        )
        raised = [
            f"{v.rule}:{v.matched}"
            for v in engine.lint(item["text"], context).violations
            if v.severity != Severity.info
        ]
        if raised:
            flagged.append(f"{item['id']} {raised}")
    assert not flagged, "\n".join(flagged)
