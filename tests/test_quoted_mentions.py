"""Exceptions are local: a hotline, an anti-fraud line or a "we never …" sentence elsewhere
in the message, or quotation marks around words said to the reader, switch no rule off.

Each blocked case below was allowed before the exceptions were made local (issue 10); each
genuine mention must stay allowed. The shipped packs and the real engine, no mocks.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from linter.core.engine import Engine
from linter.core.models import Decision

MSGLINT = Path(sys.executable).parent / "msglint"

#: (message, a category that must be found in it)
BYPASSES = [
    # quotation marks around a threat or an insult said to the reader, a hotline elsewhere
    ("【XX小贷】再不还钱就“找人收拾你”。投诉请拨95555", "threat"),
    ("你就是个“老赖”，快还钱。投诉电话95555", "abusive_language"),
    ("【XX小贷】我们会“上门拜访”，请尽快还款。投诉电话95555", "threat"),
    ("【XX小贷】再不还钱，我们就“上门”找你。投诉电话95555", "threat"),
    ("【XX小贷】你就是个“老赖”！如有疑问请致电95555", "abusive_language"),
    # a label in scare quotes inside an address form (the regex read the quote as a break)
    ("【XX小贷】你就是个“骗子”，快还钱。投诉电话95555", "abusive_language"),
    ("【XX小贷】你这个“废物”，快还钱。", "abusive_language"),
    # … an anti-fraud line or a "we never" sentence elsewhere
    ("【XX小贷】再不还钱就“找人收拾你”。反诈提醒：谨防诈骗。", "threat"),
    ("【XX小贷】再不还钱就“打断你的腿”。我司从不采用暴力催收。", "threat"),
    # no quotation marks: the unless patterns of the packs, in another sentence
    ("【XX小贷】再不还钱就找人收拾你。谨防诈骗，认准官方热线95555。", "threat"),
    ("【XX小贷】你这个老赖，赶紧还钱。反诈提醒：请勿轻信陌生来电。", "abusive_language"),
    ("【XX小贷】三天内不还款，我们将起诉你。谨防不法分子冒充我司。", "misleading_legal"),
    ("【XX小贷】你已涉嫌诈骗罪，警方将上门抓捕。如遇违规催收请拨打12378投诉。", "misleading_legal"),
    ("【XX小贷】再不还钱就把你的欠款信息发到你单位。我司承诺不会向您家人透露。",
     "third_party_disclosure"),
    ("【XX小贷】不还钱就爆你通讯录。如遇暴力催收请及时投诉。", "threat"),
    ("【XX小贷】请将欠款转入个人账户6222000011112222。谨防诈骗。", "missing_identification"),
    ("【XX人民法院】你已逾期，请立即还款。投诉请拨12378", "misleading_legal"),
    # … in another clause of the same sentence
    ("【XX小贷】我司从不采用暴力催收，但你再不还钱就找人收拾你。", "threat"),
    ("【XX小贷】如遇暴力催收请投诉，不还钱就爆你通讯录。", "threat"),
    ("【XX小贷】我司承诺不会上门，但再不还钱就上门找你。", "threat"),
    ("【XX小贷】我司承诺不会向家人透露，但再不还钱就告诉你家人。", "third_party_disclosure"),
    ("【XX小贷】再不还钱就找人收拾你，谨防诈骗。", "threat"),
    ("【XX小贷】反诈提醒：再不还钱就找人收拾你。", "threat"),
    ("【XX小贷】关于您反馈的问题，再不还钱就找人收拾你。", "threat"),
    ("【XX小贷】请将欠款转入个人账户6222000011112222，谨防诈骗。", "missing_identification"),
]  # fmt: skip

#: warnings and replies that quote or describe the words: no error, no warning
MENTIONS = [
    "【XX银行】如出现“老赖”等用语请投诉，电话95555。",
    "【XX银行】骗子常说“不还钱就坐牢”，请勿相信。",
    "【XX银行】您关于“是否会被起诉”的咨询已收到，我们将在1个工作日内回复。",
    "【XX银行】反诈提醒：不法分子冒充法院，称“您已被起诉，需转账到安全账户”，请勿相信。",
    "【XX银行】谨防有人冒充“法院工作人员”催收欠款，如遇此类情况请拨打95555。",
    "【XX银行】如遇自称“催收专员”的人威胁“不还钱就上门”，请立即报警。",
    "【XX银行】我行从不采用暴力催收。如遇催收人员辱骂或威胁“找人收拾你”，请拨打95555投诉。",
    "【XX银行】反诈提醒：骗子会冒充银行或法院，谎称“您已涉嫌犯罪，将被抓捕”，并要求转账。请勿相信。",
    "【XX银行】防诈提醒：骗子常冒充催收人员说“你已被起诉，今天不还就拘留”“马上爆你通讯录”，请勿相信。",
    "【XX银行】我们收到您关于催收员称您“老赖”的投诉，已对相关人员严肃处理，特此致歉。",
    "【XX银行】关于您投诉外包人员称要“上门找您家人”一事，我司已终止与该机构的合作。",
    "【XX银行】我们注意到有人以“不还钱就找你家人”“发到你朋友圈”等话术威胁用户，欢迎举报。",
    "【XX银行】如出现“你这个废物”“你就是个骗子”等用语请投诉。",
    # a promise answers the reader's worry in the clause before it
    "【XX银行】您在电话中担心我们会上门，我们承诺不会上门，请通过App还款。",
    "【XX银行】您担心我们会联系您的家人，我们保证不会向您的家人透露任何信息。",
]


def _categories(engine: Engine, text: str) -> set[str]:
    outcome = engine.lint(text)
    return {v.category.value for v in outcome.violations if v.severity.value != "info"}


@pytest.mark.parametrize(("text", "category"), BYPASSES)
def test_a_notice_elsewhere_does_not_switch_a_rule_off(engine: Engine, text: str, category: str):
    outcome = engine.lint(text)
    assert outcome.decision == Decision.block, [v.rule for v in outcome.violations]
    assert category in _categories(engine, text)


@pytest.mark.parametrize("text", MENTIONS)
def test_a_genuine_mention_stays_allowed(engine: Engine, text: str):
    outcome = engine.lint(text)
    assert outcome.decision == Decision.allow, [v.rule for v in outcome.violations]


@pytest.mark.parametrize(
    "text",
    ["【XX小贷】再不还钱就“找人收拾你”。投诉请拨95555", "你就是个“老赖”，快还钱。投诉电话95555"],
)
def test_the_issue_examples_block_on_the_command_line(text: str):
    proc = subprocess.run(
        [str(MSGLINT), "check", "-"],
        input=text,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "block 1" in proc.stdout
