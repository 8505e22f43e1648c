"""Checking a fix without a full find: the skipped rules, and the same answer as a full find."""

from __future__ import annotations

import pytest

from linter.analysis import analyse
from linter.engine import Engine
from linter.fix_check import Region, still_wrong
from linter.models import MessageContext

CTX = MessageContext()
ORG = MessageContext(organization=["安信消费金融"])
FILLER = "，请尽快还款" * 15


def full_find_says(engine: Engine, fixed: str, ctx: MessageContext, rule: str, lo: int, hi: int):
    """The baseline's answer: every rule run on the fixed text, every violation built."""
    return any(still_wrong(v.rule, v.start, v.end, rule, lo, hi) for v in engine.find(fixed, ctx))


def fixes(engine: Engine, text: str, ctx: MessageContext):
    """Every replacement find proposes in ``text``: (fixed text, rule, lo, hi)."""
    for v in engine.find(text, ctx):
        if v.fix is not None and v.fix.replacement is not None:
            fixed = text[: v.start] + v.fix.replacement + text[v.end :]
            yield fixed, v.rule, v.start, v.start + len(v.fix.replacement)


def region(engine: Engine, fixed: str, rule: str, lo: int, hi: int, ctx: MessageContext = CTX):
    analysis = analyse(fixed, ctx, engine.tokenizer, engine.index, engine.speller)
    return Region.of(analysis.prepared, lo, hi, rule), analysis.term_hits


def test_rule_reaches_follow_their_kind(engine):
    assert engine.rule("ZH-ID-001").reach.kind == "empty"  # missing signature: at 0, empty
    assert engine.rule("ZH-TIME-001").reach.kind == "empty"
    assert engine.rule("ZH-ID-002").reach.kind == "anywhere"  # a generic signature's span
    abuse = engine.rule("ZH-ABU-007").reach
    assert abuse.kind == "hits" and abuse.anchors and abuse.width > 0
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


def test_a_regex_far_from_the_fix_is_skipped_and_a_near_one_is_not(engine):
    text = "他妈的" + FILLER + "。你这个老赖，快还钱"
    (fixed, rule, lo, hi), *_ = [f for f in fixes(engine, text, CTX) if f[1] == "ZH-ABU-001"]
    assert fixed.endswith("您，快还钱") and fixed.startswith("他妈的")
    reg, hits = region(engine, fixed, rule, lo, hi)
    swearing = engine.rule("ZH-ABU-007")
    assert "他妈" in hits  # its anchor is there, but ~90 characters from the fix
    assert not reg.may_find(swearing.spec.id, swearing.reach, hits)
    reg, hits = region(engine, "您他妈的" + FILLER, rule, 0, 1)
    assert reg.may_find(swearing.spec.id, swearing.reach, hits)


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
    "他妈\ufeff的",
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
