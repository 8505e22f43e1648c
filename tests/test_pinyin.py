"""Latin letters inside Chinese: pinyin, initials and abbreviations read as the pack words
they spell (linter/core/pinyin.py), with spans on the letters that were written."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import SHARED_DATA

from linter.core.engine import Engine
from linter.core.models import Category, MessageContext
from linter.core.prepare import prepare
from linter.packs.loader import PackError, build_engine, load_pack, pack_files, shipped_pack_dir

DATA = Path(__file__).parent / "data"
IM = MessageContext(channel="im")
PACK = """pack: {{name: a}}
abbreviations: {abbreviations}
rules:
  - id: ZH-TST-001
    name: contacts
    category: threat
    severity: error
    message: {{zh: 通讯录, en: contacts}}
    basis: [x]
    match: {{kind: terms, terms: [爆通讯录]}}
    fix: {{applicability: manual, description: {{zh: 改, en: fix}}}}
    examples: {{trigger: [{{text: 爆通讯录, span: 爆通讯录}}], pass: [{{text: 通讯录}}]}}
"""


def read(engine: Engine, text: str) -> str:
    """The prepared text the matchers see."""
    return engine.speller(prepare(text)).text


def raised(engine: Engine, text: str, context: MessageContext = IM) -> dict[str, str]:
    """rule id → the original text its finding covers."""
    return {
        r: v.matched for v in engine.lint(text, context).violations for r in v.rules if v.matched
    }


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("再不还钱就去fa院起诉你", "法院"),
        ("你已被列为shi信被执行人", "失信被执行人"),
        ("我们会打给你tong讯录里所有人", "通讯录"),
        ("你的qian款已逾期", "欠款"),
        ("你不是gong务员吗", "公务员"),
        ("马上dong结你的账户", "冻结"),
        ("你全家都是lao赖", "老赖"),
        ("已向法院提起su讼", "诉讼"),
        ("我们将爆你通讯lu", "通讯录"),  # the letters end the word
        ("打爆你的tongxunlu", "通讯录"),  # a whole word in pinyin
        ("你已是sxbzxr", "失信被执行人"),  # a whole word in initials
        ("你已是sx被执行人", "失信被执行人"),  # initials, the rest in Chinese
        ("真e心，借钱不还", "恶心"),  # a one-letter syllable
        ("开庭传票已寄往你户籍地，请你去fa院", "法院"),
        ("你已是shi信bei执行人", "失信被执行人"),  # bei is 被 once shi is 失
    ],
)
def test_pinyin_and_initials_read_as_the_pack_word(engine: Engine, text: str, word: str):
    assert word in read(engine, text)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("再不还就爆你TXL", "通讯录"),
        ("请在zfb还款", "支付宝"),
        ("加我vx详谈", "微信"),
        ("加我V信详谈", "微信"),
        ("你个sb，钱呢", "傻逼"),
    ],
)
def test_abbreviations_read_as_their_word(engine: Engine, text: str, word: str):
    assert word in read(engine, text)


@pytest.mark.parametrize(
    ("text", "rule", "matched"),
    [
        ("你已被列为shi信被执行人，限制高消费", "ZH-LEG-012", "shi信被执行人"),
        # ZH-TPD-009 now wants the debt named in the message (inside: {债务话题}, {不还款} …)
        ("我们会打给你tong讯录里所有人", "ZH-THR-008", "tong讯录"),
        ("再不还钱我们会打给你tong讯录里所有人", "ZH-TPD-009", "tong讯录"),
        ("马上dong结你的账户", "ZH-LEG-015", "dong结你的账户"),
        ("你已被列为shi信bei执行人，限制高消费", "ZH-LEG-012", "shi信bei执行人"),
        ("再不还就爆你TXL", "ZH-TPD-009", "爆你TXL"),
        ("您的案件已移交fayuan，将追究刑事责任", "ZH-LEG-002", "fayuan"),
    ],
)
def test_findings_cover_the_letters_that_were_written(
    engine: Engine, text: str, rule: str, matched: str
):
    found = raised(engine, text)
    assert rule in found, found
    assert matched in found[rule]
    assert found[rule] in text  # a span of the original text, letters and all


def test_a_span_inside_a_respelt_word_maps_to_its_own_letters(engine: Engine):
    prepared = engine.speller(prepare("打爆你的tongxunlu了"))
    assert prepared.text == "打爆你的通讯录了"
    i = prepared.text.index("讯")
    assert prepared.to_original(i, i + 1) == (8, 11)  # "xun"
    assert prepared.to_original(4, 7) == (4, 13)  # 通讯录 → tongxunlu
    assert prepared.to_original(7, 8) == (13, 14)  # what follows is where it was


@pytest.mark.parametrize(
    "text",
    [
        "请登录APP查看账单",
        "尊敬的VIP客户，您的积分即将到期",
        "【ETC通行提醒】您的车辆已驶出收费站",
        "5G套餐已为您开通",
        "验证码ab12cd，请勿告知他人",
        "请访问fayuan.gov.cn查询",  # an address, not a word
        "您尾号xxxx的贷款已逾期",  # a mask
        "案号xx，请立即登录处理",
        "新款iPhone现已到店",
        "加vx领取优惠券",  # read as 微信, and an ad it stays
        "您的loan已overdue 2 days",
    ],
)
def test_ordinary_latin_is_not_a_finding(engine: Engine, text: str):
    """(Whether the sender names itself, and with what channel, is another matter.)"""
    found = engine.lint(text).violations
    assert [v.rules for v in found if v.category != Category.missing_identification] == []


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("请登录APP查看账单", "app"),
        ("尊敬的VIP客户", "vip"),
        ("请访问fayuan.gov.cn查询", "fayuan"),
        ("您尾号xxxx的贷款已逾期", "xxxx"),
        ("请到zhong山路网点办理", "zhong"),  # 中 or 钟 … : no word of the packs decides
    ],
)
def test_letters_no_pack_word_needs_stay_letters(engine: Engine, text: str, kept: str):
    assert kept in read(engine, text)


def test_homophones_are_told_apart_by_how_common_the_word_is(engine: Engine):
    # 追讨 and 追逃 are both pack words; 追逃 would be a false legal claim
    assert "追讨欠款" in read(engine, "我们将向其追tao欠款")


def test_a_message_without_latin_beside_chinese_never_loads_pypinyin():
    code = (
        "import sys\n"
        "from linter.packs.loader import build_engine\n"
        "e = build_engine()\n"
        "e.lint('【安信】您的借款已逾期5天，请通过官方渠道还款，客服95137。')\n"
        "e.lint('Your bill is due.')\n"
        "print('pypinyin' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_an_abbreviation_must_be_letters_beside_chinese(tmp_path: Path):
    pack = tmp_path / "a.yaml"
    pack.write_text(PACK.format(abbreviations="{'通讯录': 通讯录}"), encoding="utf-8")
    with pytest.raises(PackError, match=r"a.yaml:2: abbreviations: .*Latin letters"):
        load_pack(pack)
    pack.write_text(PACK.format(abbreviations="{txl: txl}"), encoding="utf-8")
    with pytest.raises(PackError, match=r"a.yaml:2: abbreviations: .*Chinese characters"):
        load_pack(pack)
    pack.write_text(PACK.format(abbreviations="{TXL: 通讯录, v信: 微信}"), encoding="utf-8")
    assert load_pack(pack).spec.abbreviations == {"TXL": "通讯录", "v信": "微信"}


def test_a_packs_abbreviation_reaches_every_pack(tmp_path: Path):
    """The table is engine-wide, like variants: a word in one pack is read for all."""
    (tmp_path / "a.yaml").write_text(PACK.format(abbreviations="{}"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(
        PACK.format(abbreviations="{TXL: 通讯录}")
        .replace("ZH-TST-001", "ZH-TST-002")
        .replace("name: contacts", "name: c2")
        .replace("name: a", "name: b"),
        encoding="utf-8",
    )
    eng = build_engine([tmp_path], shipped=False)
    found = {r: v.matched for v in eng.lint("再不还就爆TXL").violations for r in v.rules}
    assert found == {"ZH-TST-001": "爆TXL", "ZH-TST-002": "爆TXL"}


# ------------------------------------------------------------ ordinary and compliant text


def _compliant_messages() -> list[tuple[str, str, MessageContext]]:
    out = []
    for path in sorted([*DATA.glob("*.yaml"), *DATA.glob("real/**/*.yaml")]):
        for m in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]:
            if not m["labels"]:
                out.append(
                    (f"{path.name}:{m['id']}", m["text"], MessageContext(**m.get("context", {})))
                )
    for line in (DATA / "benign_probe.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        context = MessageContext(
            recipient=item.get("recipient", "debtor"), channel=item.get("channel", "sms")
        )
        out.append((item["id"], item["text"], context))
    bank = SHARED_DATA / "benign" / "bank_notifications.txt"  # outside the repository
    if bank.is_file():
        lines = bank.read_text(encoding="utf-8").splitlines()
        out.extend((f"bank:{i}", t, MessageContext()) for i, t in enumerate(lines) if t.strip())
    return out


def test_no_finding_on_ordinary_or_compliant_text_comes_from_reading_letters(engine: Engine):
    """On the compliant messages of every labelled set, the benign probe and the bank SMS, no
    finding touches letters the reader respelt (a finding elsewhere is not this reader's)."""
    messages = _compliant_messages()
    assert len(messages) > 700
    respelt_in = 0
    wrong = []
    for name, text, context in messages:
        base = prepare(text)
        prepared = engine.speller(base)
        letters = [
            (base.starts[m.start()], base.ends[m.end() - 1])
            for m in re.finditer("[a-z]+", base.text)
            if m.group() not in prepared.text
        ]
        if not letters:
            continue
        respelt_in += 1
        for v in engine.lint(text, context).violations:
            if v.category != Category.missing_identification and any(
                v.start < b and a < v.end for a, b in letters
            ):
                wrong.append(f"{name}: {v.rules} on {v.matched!r}")
    assert not wrong, "\n".join(wrong)
    # hmd (黑名单): read, and harmless. (rmb was read too until ZH-TPD-001's amounts became
    # concept patterns that take rmb as it is written.)
    assert respelt_in >= 1


# ------------------------------------------------------------ every rule's trigger examples

_HAN_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


def _pinyin_variants(
    text: str, span: str, triggers: frozenset[str] | None
) -> list[tuple[str, str, str]]:
    """(kind, variant, letters): the longest word of the rule's own triggers in the span,
    with its first character (fa院) and, separately, its last (通讯lu) written in pinyin.
    Skipped where the letters would run into other letters or digits (XXlv师, 传piao72): a
    run of letters is read whole, and a code or a mask is no word."""
    from pypinyin import lazy_pinyin

    words = [t for t in triggers or () if _HAN_WORD.fullmatch(t) and t in span]
    if not words:
        return []
    word = max(words, key=lambda w: (len(w), w))
    at = text.index(span) + span.index(word)
    syllables = lazy_pinyin(word)
    out = []
    for kind, start, end, letters in (
        ("first", at, at + 1, syllables[0]),
        ("last", at + len(word) - 1, at + len(word), syllables[-1]),
    ):
        before, after = text[start - 1 : start], text[end : end + 1]
        if not (_ASCII_WORD.match(before) or _ASCII_WORD.match(after)):
            out.append((kind, text[:start] + letters + text[end:], letters))
    return out


#: every rule with a trigger example that names its span, concept rules included (since
#: issue 13 nearly all rules are); not the learned model's, whose score is bound to no word
PINYIN_RULES = [
    rule.id
    for path in pack_files([shipped_pack_dir()])
    for rule in load_pack(path).spec.rules
    if rule.match.kind != "model" and any(ex.span for ex in rule.examples.trigger)
]

#: Rules one of whose pinyin variants the Latin reader spells as another word: a lone syllable
#: goes to the reading the packs' vocabulary (their concept words) confirms furthest, and a
#: word made for another purpose can win (了jie → 了借; 请您du促 read 请您堵 while a rule
#: listed 请{你}?{前往}). The cause is in linter/core/pinyin.py (the ranking), not in the
#: packs. Strict: a fixed reader fails here. (With the templates written out the vocabulary
#: was 546,202 words and 影xiang → 影向, 想xiang → 想向, 不xiang → 不向 failed too.)
MISREAD = {
    "ZH-TPD-018": "了jie → 了借",
    "ZH-TPD-006": "你ge → 你个 (a word of the insults, two characters confirmed, beats 哥)",
}


def test_pinyin_variants_cover_most_trigger_examples(engine: Engine):
    kinds = [
        kind
        for rule in map(engine.rule, PINYIN_RULES)
        if rule is not None
        for ex in rule.spec.examples.trigger
        if ex.span
        for kind, _, _ in _pinyin_variants(ex.text, ex.span, rule.triggers)
    ]
    assert kinds.count("first") >= 600 and kinds.count("last") >= 600, len(kinds)


@pytest.mark.parametrize(
    "rule_id",
    [
        pytest.param(r, marks=pytest.mark.xfail(strict=True, reason=f"reader: {MISREAD[r]}"))
        if r in MISREAD
        else r
        for r in PINYIN_RULES
    ],
)
def test_trigger_examples_survive_pinyin(engine: Engine, rule_id: str):
    """Each trigger example with a word of the rule written half in pinyin still raises the
    rule, and its finding covers the letters written."""
    rule = engine.rule(rule_id)
    assert rule is not None
    missed = []
    for i, ex in enumerate(rule.spec.examples.trigger):
        if not ex.span:
            continue
        for kind, variant, letters in _pinyin_variants(ex.text, ex.span, rule.triggers):
            found = [v for v in engine.lint(variant, ex.context).violations if rule_id in v.rules]
            if not found:
                missed.append(f"{kind} pinyin variant of trigger[{i}] not caught: {variant}")
            elif not any(letters in v.matched for v in found):
                missed.append(
                    f"{kind} variant of trigger[{i}]: {found[0].matched!r} misses {letters!r}"
                )
    assert not missed, "\n".join(missed)
