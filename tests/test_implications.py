"""The labelling standard's implications between categories (tests/data/DEV_SET.md,
"Borderline calls"), as the shipped packs apply them: a visit or a call that will tell the
family, hometown or workplace is a disclosure too; a disclosure reported as done is a
disclosure alone; a locate call that asks only for a call back is neither; a hedged
"if you have received" or a complaint ticket is no legal claim. Findings count at error or
warning, as bench/eval.py counts them (trial rules report info and do not count)."""

from __future__ import annotations

import pytest

from linter.core.engine import Engine
from linter.core.models import Category, MessageContext, Severity

THR = Category.threat
TPD = Category.third_party_disclosure
LEG = Category.misleading_legal
ABU = Category.abusive_language

DEBTOR = MessageContext(recipient="debtor", channel="im")
CONTACT = MessageContext(recipient="third_party", channel="call_script")


def counted(engine: Engine, text: str, context: MessageContext) -> set[Category]:
    return {
        v.category for v in engine.lint(text, context).violations if v.severity != Severity.info
    }


@pytest.mark.parametrize(
    ("text", "present"),
    [
        # a visit that will tell the family or that others will see: threat and disclosure
        ("下周我们去你外公家坐坐，顺便跟老人家讲讲你欠钱的事。", {THR, TPD}),
        ("再拖下去我们就去你厂里，让你工友全都看得到。", {THR, TPD}),
        ("你姐那边三天两头有人上门问你的事，她怎么受得了。", {TPD}),
        # a telling threatened: threat as well as disclosure
        ("你丈母娘家在哪我知道，要不要我跟她聊聊你这事？", {THR, TPD}),
        ("钱不还就发你们亲戚群，看你过年还回不回去。", {THR, TPD}),
        # an officer told to contact the family: a disclosure
        ("材料已经交到派出所了，民警这两天会联系你爸妈。", {TPD}),
        # posting to the family group as menace
        ("钱不还就发你家族群，七大姑八大姨一个也跑不了。", {TPD}),
        # an abusive label on the reader's family member, or 骗子 as the reader's name
        ("你家那个废物女婿欠的钱到底管不管？", {ABU}),
        ("【XX小贷】骗子，借了钱还有脸换号？", {ABU}),
    ],
)
def test_an_implied_category_is_raised(engine: Engine, text: str, present: set[Category]):
    assert present <= counted(engine, text, DEBTOR)


@pytest.mark.parametrize(
    ("text", "context", "present", "absent"),
    [
        # a disclosure reported as done: disclosure alone, not a threat
        ("你通讯录里的人我们昨天已经挨个发过短信了。", DEBTOR, {TPD}, {THR}),
        ("您的借款已逾期，我们昨天已经联系了您的公司领导。", DEBTOR, {TPD}, {THR}),
        # a locate call asking only for a call back, the caller naming its card centre
        (
            "您好，请问是周某某的母亲吗？我是XX银行信用卡中心的，他电话一直打不通，麻烦您转告他回个电话。",
            CONTACT,
            set(),
            {TPD, THR},
        ),
        (
            "您好，我是XX分期的客服，想联系您的外甥，他留了您的号码，方便时请让他回个电话，谢谢。",
            CONTACT,
            set(),
            {TPD, THR},
        ),
        # a hedged condition and a complaint ticket are no legal claim
        (
            "【XX银行】如您已收到法院送达的起诉状副本，请按要求应诉，期间仍可与我行协商。",
            DEBTOR,
            set(),
            {LEG},
        ),
        ("【XX银行】您的投诉已立案受理，工单号A20250001，我们将尽快回复。", DEBTOR, set(), {LEG}),
    ],
)
def test_a_category_the_standard_does_not_imply_is_not_raised(
    engine: Engine,
    text: str,
    context: MessageContext,
    present: set[Category],
    absent: set[Category],
):
    found = counted(engine, text, context)
    assert present <= found, found
    assert not (absent & found), found
