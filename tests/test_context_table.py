"""The shipped context cue table (rules/zh-CN/concepts/context.yaml) on the shipped packs:
which words hedge, assert or negate a legal act (issue 13 item 3). Real engine, real jieba."""

from __future__ import annotations

import pytest

from linter.core.models import MessageContext
from linter.packs.loader import build_engine

DEBT = "你的借款逾期了，"


@pytest.fixture(scope="module")
def shipped():
    return build_engine([], shipped=True)


def found(engine, text: str, category: str) -> dict[str, dict[str, str]]:
    """Rule → its finding's context, for the findings of ``category`` on ``text``."""
    out = engine.lint(text, MessageContext(channel="im"), merge=False).violations
    return {v.rule: dict(v.context or {}) for v in out if v.category.value == category}


def test_already_by_law_asserts_a_filed_suit(shipped) -> None:
    """已依法 says the suit is filed: 依法 inside it hedges nothing (it used to win)."""
    hits = found(shipped, DEBT + "我司已依法向法院提起诉讼。", "misleading_legal")
    assert "ZH-LEG-002" in hits
    assert hits["ZH-LEG-002"]["modality"] == "certain (已依法)"
    assert found(shipped, DEBT + "我们已依法申请强制执行。", "misleading_legal")


def test_by_law_at_once_is_imminent(shipped) -> None:
    hits = found(shipped, DEBT + "我们将依法立即冻结你名下账户。", "misleading_legal")
    assert "ZH-LEG-015" in hits
    assert hits["ZH-LEG-015"]["modality"] == "imminent (依法立即)"


def test_a_lawful_hedged_suit_stays_hedged(shipped) -> None:
    assert found(shipped, DEBT + "我司可能依法向法院提起诉讼。", "misleading_legal") == {}
    assert found(shipped, DEBT + "我司将考虑通过诉讼方式解决。", "misleading_legal") == {}
    assert (
        found(shipped, DEBT + "如仍不还款，我司将依法采取法律措施维护权益。", "misleading_legal")
        == {}
    )


def test_considering_does_not_hedge_telling_the_employer(shipped) -> None:
    """考虑 hedges a lawful step, not a disclosure: 会考虑联系你单位 is read as plain."""
    hits = found(shipped, "欠款不还，我们会考虑联系你单位。", "threat")
    assert "ZH-THR-003" in hits
    assert hits["ZH-THR-003"]["modality"] == "plain (no cue)"


def test_bare_not_before_a_legal_act_negates_it(shipped) -> None:
    for text in [
        "我们已经决定不起诉你，请尽快协商。",
        "我们今天不冻结你的账户，请放心。",
        "法院已不予立案，请尽快协商。",
    ]:
        assert found(shipped, DEBT + text, "misleading_legal") == {}, text


def test_not_repaying_is_a_condition_not_a_negation(shipped) -> None:
    """不还就冻结 / 不得不起诉: the 不 does not stand right before the act, or is pseudo."""
    for text in ["明天不还就冻结你的账户。", "明天我们不得不起诉你。", "再不还明天起诉你。"]:
        hits = found(shipped, DEBT + text, "misleading_legal")
        assert hits and all(c["polarity"].startswith("affirmed") for c in hits.values()), text


def test_right_away_in_slang_is_imminent(shipped) -> None:
    hits = found(shipped, DEBT + "再拖一天，我们立马起诉你。", "misleading_legal")
    assert any(c["modality"] == "imminent (立马)" for c in hits.values())


def test_an_attempt_reported_as_failed_is_no_threat(shipped) -> None:
    """未能 just before the act says it did not happen: a bank that could not reach a family
    member and asks for a call-back threatens no one (dev4)."""
    failed = "【某某银行】您好，我行工作人员近日未能联系上您的家人赵先生，请提醒他回电。"
    assert found(shipped, failed, "threat") == {}


@pytest.mark.parametrize(
    "text",
    [
        "如您未能还款将上门拜访",  # 未能 negates the repayment, not the visit after it
        "若仍未能联系上您本人，我司将联系您的家人",  # the failure is the condition of the threat
        "你要是未能按时还款，我们就去你家找你爸妈",
    ],
)
def test_a_failure_as_condition_still_threatens(shipped, text: str) -> None:
    assert found(shipped, text, "threat")
