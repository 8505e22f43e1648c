"""Checking a fix without a full find: the skipped rules, and the same answer as a full find."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.core.analysis import analyse
from linter.core.edits import apply_fixes, fix_span
from linter.core.engine import Engine
from linter.core.fix_check import Region, still_wrong
from linter.core.models import MessageContext
from linter.packs.loader import build_engine

CTX = MessageContext()
ORG = MessageContext(organization=["安信消费金融"])
FILLER = "，请尽快还款" * 15


#: a pack's own regex rule with declared anchors (the shipped packs' regex rules are being
#: rewritten in concepts, so these tests bring their own)
REGEX_PACK = """\
pack: {name: regex_probe, language: zh-CN}
rules:
  - id: XY-PAY-001
    name: asked-to-pay
    category: third_party_disclosure
    severity: error
    message: {zh: 要求代为偿还, en: Asks someone to pay}
    basis: [test]
    match:
      kind: regex
      pattern: '(?:请|麻烦|需要)(?:您|你)?代为?(?:偿还|还款|还钱)'
      anchors: [请代, 请您代, 请你代, 麻烦代, 麻烦您代, 麻烦你代, 需要代, 需要您代, 需要你代]
    fix: {description: {zh: 删除, en: remove}}
    examples:
      trigger: [{text: 请您代为偿还。, span: 请您代为偿还}]
      pass: [{text: 请您按时还款。}]
"""


@pytest.fixture(scope="module")
def regex_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    pack: Path = tmp_path_factory.mktemp("packs") / "regex_probe.yaml"
    pack.write_text(REGEX_PACK, encoding="utf-8")
    return build_engine([pack])


def full_find_says(engine: Engine, fixed: str, ctx: MessageContext, rule: str, lo: int, hi: int):
    """The baseline's answer: every rule run on the fixed text, every violation built (a
    model rule's finding aside: a score of the rewritten message takes no fix back)."""
    return any(
        still_wrong(v.rule, v.start, v.end, rule, lo, hi)
        for v in engine.find(fixed, ctx)
        if engine.rule(v.rule).matcher.judges_fixes
    )


def fixes(engine: Engine, text: str, ctx: MessageContext):
    """Every replacement find proposes in ``text``: (fixed text, rule, lo, hi)."""
    for v in engine.find(text, ctx):
        if v.fix is not None and v.fix.replacement is not None:
            start, end = fix_span(v)
            fixed = text[:start] + v.fix.replacement + text[end:]
            yield fixed, v.rule, start, start + len(v.fix.replacement)


def region(engine: Engine, fixed: str, rule: str, lo: int, hi: int, ctx: MessageContext = CTX):
    analysis = analyse(fixed, ctx, engine.tokenizer, engine.index, engine.speller)
    return Region.of(analysis.prepared, lo, hi, rule), analysis.term_hits


def test_rule_reaches_follow_their_kind(regex_engine):
    engine = regex_engine
    assert engine.rule("ZH-ID-001").reach.kind == "empty"  # missing signature: at 0, empty
    assert engine.rule("ZH-TIME-001").reach.kind == "empty"
    assert engine.rule("ZH-ID-002").reach.kind == "anywhere"  # a generic signature's span
    # a regex with declared anchors: only near one of them (a pack's own regex rule)
    pay = engine.rule("XY-PAY-001")
    assert pay.spec.match.kind == "regex"
    assert pay.reach.kind == "hits" and pay.reach.anchors and pay.reach.width > 0
    # a concept rule (frame, or any/all over frames and phrases) may find anything anywhere
    assert engine.rule("ZH-ABU-007").spec.match.kind == "frame"
    assert engine.rule("ZH-ABU-007").reach.kind == "anywhere"
    for rule in engine.all_rules:  # a bounded reach always has a width and something to hit
        if rule.reach.kind == "hits":
            assert rule.reach.terms or (rule.reach.anchors and rule.reach.width)


def test_an_empty_span_rule_runs_only_for_its_own_fix(engine):
    fixed = "【安信消费金融】您好"
    reg, hits = region(engine, fixed, "ZH-ID-001", 0, 8, ORG)
    assert reg.may_find("ZH-ID-001", engine.rule("ZH-ID-001").reach, hits)
    reg, hits = region(engine, fixed, "ZH-ABU-001", 0, 8, ORG)
    assert not reg.may_find("ZH-ID-001", engine.rule("ZH-ID-001").reach, hits)
    assert not reg.may_find("ZH-TIME-001", engine.rule("ZH-TIME-001").reach, hits)


def test_a_regex_far_from_the_fix_is_skipped_and_a_near_one_is_not(regex_engine):
    engine = regex_engine  # XY-PAY-001 (asking a third party to pay): a regex with anchors
    text = "请代为偿还" + FILLER + "。你这个老赖快还钱"
    (fixed, rule, lo, hi), *_ = [f for f in fixes(engine, text, CTX) if f[1] == "ZH-ABU-001"]
    assert fixed.endswith("。您快还钱") and fixed.startswith("请代为偿还")
    reg, hits = region(engine, fixed, rule, lo, hi)
    pay = engine.rule("XY-PAY-001")
    assert pay.spec.match.kind == "regex"
    assert "请代" in hits  # its anchor is there, but ~90 characters from the fix
    assert not reg.may_find(pay.spec.id, pay.reach, hits)
    reg, hits = region(engine, "请您代为偿还" + FILLER, rule, 0, 1)
    assert reg.may_find(pay.spec.id, pay.reach, hits)


def test_a_deletion_checks_the_spans_across_the_point(engine):
    # deleting 他妈的 from 他他妈的妈的 leaves 他妈的 around the point: the fix is dropped
    outcome = engine.lint("他他妈的妈的，还钱", CTX)
    (swearing,) = [v for v in outcome.violations if v.rule == "ZH-ABU-007"]
    assert swearing.fix is not None and swearing.fix.replacement is None
    # a lone one is deleted
    outcome = engine.lint("你还钱他妈的" + FILLER, CTX)
    assert "他妈" not in outcome.fixed_text


# Replaceable violations next to or inside what prepare() removes or merges: zero-width
# characters, separators, placeholders (one slot character), traditional characters,
# a homophone spelling, and several fixes in one message.
MESSAGES = [
    "你这个老赖，再不还钱他妈的就派人上门",
    "你這個老賴快還錢，他媽的",
    "{name}你\u200b这个老赖，快还钱{{ amount }}元",
    "你这\u200d\u200b个老赖%s他*妈的#姓名#",
    "你个人渣你个废物你这个穷鬼，tmd，派人去你家",
    "你这个你这个老赖老赖，他他妈的妈的",
    "特么的你这个老赖" + FILLER + "派人到你家，你个垃圾",
    "【催收中心】王先生你这个老赖，再不还49,611.33元后果自负，明天派人上门找你。",
    "你们这群老赖${x}，tm的，限你们三天内还款，否则我们将起诉你们",
    "明天派人上门起诉你，你这种老赖等着法阮传票",
    "他妈\ufeff的，还钱",
    "",
]


@pytest.mark.parametrize("ctx", [CTX, ORG, MessageContext(recipient="third_party")])
@pytest.mark.parametrize("text", MESSAGES)
def test_the_answer_is_the_full_finds(engine, text, ctx):
    checked = 0
    for fixed, rule, lo, hi in fixes(engine, text, ctx):
        expected = full_find_says(engine, fixed, ctx, rule, lo, hi)
        assert engine._wrong_after_fix(fixed, ctx, rule, lo, hi) == expected
        checked += 1
    assert checked or not text or ctx.recipient != "debtor"


def test_both_answers_occur_among_the_messages(engine):
    answers = {
        engine._wrong_after_fix(fixed, CTX, rule, lo, hi)
        for text in MESSAGES
        for fixed, rule, lo, hi in fixes(engine, text, CTX)
    }
    assert answers == {True, False}


# A replacement reads as a sentence in its place, in the message's script (issue 10).
READABLE = [
    # a phrase cannot stand in for 将于48小时内对您立案: the clause is rewritten
    ("公安机关将于48小时内对您立案", "ZH-LEG-001", "我司保留依法主张权利的权利"),
    (
        "【XX金融】再不还款，我们马上起诉你！",
        "ZH-LEG-001",
        "【XX金融】再不还款，我司保留依法主张权利的权利！",
    ),
    # traditional in, traditional out, the clause rewritten
    ("我們就派人到你家裡找你", "ZH-THR-002", "我司將通過官方客服電話與您聯繫"),
    ("今天不还，明天派人上门", "ZH-THR-002", "今天不还，我司将通过官方客服电话与您联系"),
    # an address that ends its clause is dropped, not made 您，
    ("{name}你这个老赖，再不还钱就起诉你", "ZH-ABU-001", "{name}，再不还钱就起诉你"),
    ("张三你这个老赖，再不还钱", "ZH-ABU-001", "张三，再不还钱"),
    ("你这个废物，连这点钱都还不上", "ZH-ABU-004", "连这点钱都还不上"),
    # after a placeholder, 您 goes after a comma
    ("{name}你这个老赖赶紧还钱", "ZH-ABU-001", "{name}，您赶紧还钱"),
    ("你這個老賴趕緊還錢", "ZH-ABU-001", "您趕緊還錢"),
    ("你們這些老賴就知道躲", "ZH-ABU-001", "你們就知道躲"),
    # a deletion that empties its clause takes the break along
    ("他妈的，还不还钱", "ZH-ABU-007", "还不还钱"),
    ("还不还钱，他妈的！", "ZH-ABU-007", "还不还钱！"),
]


@pytest.mark.parametrize(("text", "rule", "fixed"), READABLE)
def test_a_replacement_reads_as_a_sentence_in_its_place(engine, text, rule, fixed):
    (v,) = [v for v in engine.lint(text, CTX).violations if v.rule == rule]
    assert v.fix is not None and v.fix.replacement is not None
    assert apply_fixes(text, [v]) == fixed
    assert "您，" not in fixed


@pytest.mark.parametrize(
    "text",
    [
        "告诉你这个老赖赶紧还",  # no sentence can be made of 告诉您赶紧还 / 告诉，您…
        "你这个老赖",  # deleting it leaves nothing
    ],
)
def test_where_no_sentence_can_be_made_the_fix_is_advice(engine, text):
    (v,) = [v for v in engine.lint(text, CTX).violations if v.rule == "ZH-ABU-001"]
    assert v.fix is not None and v.fix.replacement is None
    assert v.fix.applicability.value == "manual"


def test_safe_fixes_of_a_traditional_message_stay_traditional(engine):
    text = "【XX金融】張三你這個老賴，你他媽的到底還不還？你們這些老賴就知道躲"
    assert engine.lint(text, CTX).fixed_text == "【XX金融】張三，你到底還不還？你們就知道躲"


def test_a_clause_fix_is_checked_over_the_whole_clause(engine):
    (v,) = [
        v
        # the rule's own finding (merged, the threat is reported under ZH-THR-101)
        for v in engine.lint("再不还钱，明天派人上门收拾你", CTX, merge=False).violations
        if v.rule == "ZH-THR-002"
    ]
    assert fix_span(v) == (5, 14)  # 明天派人上门收拾你: nothing of the threat is left
    fixed = apply_fixes("再不还钱，明天派人上门收拾你", [v])
    assert fixed == "再不还钱，我司将通过官方客服电话与您联系"
    assert {x.rule for x in engine.lint(fixed, CTX).violations} <= {"ZH-ID-001"}
