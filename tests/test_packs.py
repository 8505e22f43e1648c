"""The shipped packs: every example passes, evasions still match, real bank SMS stay clean."""

from __future__ import annotations

import re
from collections import Counter

import opencc
import pytest

from linter.core.engine import Engine
from linter.core.models import Category, MessageContext, Severity
from linter.core.rule_spec import RuleSpec
from linter.packs.examples import RuleTestReport, run_rule_examples
from linter.packs.loader import load_pack, pack_files, shipped_pack_dir

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


_PACK_REPORTS: dict[str, RuleTestReport] = {}


@pytest.mark.parametrize("rule_id", [rule.id for _, rule in RULES])
def test_rule_examples(engine: Engine, rule_id: str):
    rule = engine.rule(rule_id)
    assert rule is not None
    # one run of a pack's examples serves each of its rules' tests
    if rule.pack_path not in _PACK_REPORTS:
        _PACK_REPORTS[rule.pack_path] = run_rule_examples(engine, {rule.pack_path})
    report = _PACK_REPORTS[rule.pack_path]
    assert report.rules == len([r for r in engine.all_rules if r.pack_path == rule.pack_path])
    mine = [f for f in report.failures if f.rule == rule_id]
    assert not mine, "\n".join(f"{f.kind}[{f.index}] {f.reason}: {f.text}" for f in mine)


_S2T = opencc.OpenCC("s2t")
_SEPARATORS = ("*", " ", "－")  # ASCII, a space, a full-width hyphen: prepare() drops each


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _evasions(text: str, span: str, index: int) -> list[tuple[str, str]]:
    """Spellings of a trigger example that change the very words the rule matches.

    A variant is kept only when its span differs from the original span: the engine sees
    other characters there, and only prepare() (traditional → simplified, full width →
    half width, separators inside words removed) can bring the match back.
    """
    variants = []
    if _S2T.convert(span) != span:
        variants.append(("traditional", _S2T.convert(text)))
    if _full_width(span) != span:  # the span has ASCII: digits, Latin letters
        variants.append(("full-width", _full_width(text)))
    han = [i for i in range(len(span) - 1) if _is_han(span[i]) and _is_han(span[i + 1])]
    if han:
        cut = han[0] + 1
        sep = _SEPARATORS[index % len(_SEPARATORS)]
        variants.append(("separator", text.replace(span, span[:cut] + sep + span[cut:], 1)))
    return variants


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


#: every rule with a trigger example that names its span: concept rules (frame, phrase, any,
#: all) as much as the few regex and terms rules left. Not the learned model's rules: a score
#: over n-grams is not bound to a span's characters.
EVASION_RULES = [
    rule
    for _, rule in RULES
    if rule.match.kind != "model" and any(e.span for e in rule.examples.trigger)
]


def test_evasion_variants_change_the_input():
    """The variants below are not the examples again: every trigger example with a span of
    two Han characters gets a separator variant, and most get a traditional one."""
    kinds = Counter(
        kind
        for rule in EVASION_RULES
        for i, ex in enumerate(rule.examples.trigger)
        if ex.span
        for kind, variant in _evasions(ex.text, ex.span, i)
        if variant != ex.text
    )
    assert len(EVASION_RULES) >= 80, len(EVASION_RULES)
    assert kinds["traditional"] >= 600 and kinds["separator"] >= 700, kinds
    assert kinds["full-width"] >= 30, kinds


@pytest.mark.parametrize("rule", EVASION_RULES, ids=lambda rule: rule.id)
def test_trigger_examples_survive_evasion(engine: Engine, rule: RuleSpec):
    rule_id = rule.id
    missed = []
    for i, ex in enumerate(rule.examples.trigger):
        if not ex.span:
            continue
        for kind, variant in _evasions(ex.text, ex.span, i):
            assert variant != ex.text, (kind, variant)
            raised = {r for v in engine.lint(variant, ex.context).violations for r in v.rules}
            if rule_id not in raised:
                missed.append(f"{kind} variant of trigger[{i}] not caught: {variant}")
    assert not missed, "\n".join(missed)


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


DEBTOR = MessageContext()


@pytest.mark.parametrize(
    ("text", "threat"),
    [
        # announced with an appointment or consent: the lawful visit the advice names
        (
            "【XX消费金融】您的借款已逾期30天。我司将安排工作人员上门拜访，拜访前会提前与您电话预约。",
            False,
        ),
        ("【XX银行】您的借款已逾期，经您同意后，我行将安排两名工作人员上门核实情况。", False),
        (
            "【XX消費金融】您的借款已逾期。我司將安排工作人員上門拜訪，拜訪前會提前與您電話預約。",
            False,
        ),
        # notice given, but with a condition, a date, the workplace or no notice at all
        ("【XX消费金融】再不还钱我们就派人上门，上门前会提前电话通知你。", True),
        ("【XX消费金融】您已逾期，明天派人上门拜访，会提前与您电话预约。", True),
        ("【XX消费金融】我们会提前通知您，然后今晚就过来你家门口等你。", True),
        ("【XX消费金融】工作人员将不另行通知，直接上门拜访，拜访前会提前与您电话预约。", True),
        # a notice in another sentence switches nothing off
        ("【XX消费金融】今天不还，明天派人上门。我司拜访前会提前与您电话预约。", True),
    ],
)
def test_an_announced_visit_is_no_threat_and_a_pressing_one_is(engine: Engine, text, threat):
    found = {v.rule for v in engine.lint(text, DEBTOR).violations if v.category == Category.threat}
    assert bool(found) == threat, found


_QUOTED = re.compile(r"[“\"]([^”\"]{2,80})[”\"]")


@pytest.mark.parametrize("rule_id", [rule.id for _, rule in RULES])
def test_advice_recommends_nothing_the_packs_flag(engine: Engine, rule_id: str):
    """Every sample a fix recommends (its replacement, the wording its advice quotes) passes
    the packs in a signed message to the debtor. A quote the packs flag under the rule's own
    category (the rule itself, or the model's head for it) is the word the advice says to
    delete (删除“老赖”, 不要写“已起诉”), not a sample."""
    rule = engine.rule(rule_id)
    assert rule is not None
    fix = rule.spec.fix
    samples = _QUOTED.findall(fix.description.zh) + [
        r for r in (fix.replacement, *fix.replacements.values()) if r
    ]
    for sample in samples:
        sample = sample.replace("{organization}", "XX消费金融")
        text = sample + "请按时还款。" if sample.startswith("【") else "【XX消费金融】" + sample
        flagged = [v for v in engine.lint(text, DEBTOR).violations if v.severity != Severity.info]
        own = [v for v in flagged if v.rule == rule_id or v.category == rule.spec.category]
        if own and sample in _QUOTED.findall(fix.description.zh):
            continue
        assert not flagged, (sample, [(v.rule, v.matched) for v in flagged])


def test_the_visit_rule_title_claims_no_time_it_does_not_need(engine: Engine):
    # ZH-THR-016 fires with no time given: its title must not say "at a stated time"
    rule = engine.rule("ZH-THR-016")
    assert rule is not None
    text = "你不还钱，我们就只好去学校找他和他老师聊聊"
    assert any(v.rule == "ZH-THR-016" for v in engine.lint(text, DEBTOR).violations)
    title = rule.spec.message
    assert "具体时间" not in title.zh and "stated time" not in title.en
    assert rule.spec.name != "announced-visit"  # an announced visit is the lawful one
