"""The engine on small packs written by each test: rule kinds, exceptions, context, fixes."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.core.engine import Engine
from linter.core.models import Decision, MessageContext
from linter.core.options import EngineOptions
from linter.packs.loader import PackError, build_engine

BASE_RULE = """
  - id: {id}
    name: {name}
    category: {category}
    severity: {severity}
    message: {{zh: 测试, en: test}}
    basis: [test]
    match: {match}
    exceptions: {exceptions}
    applies_to: {applies_to}
    fix: {fix}
    examples:
      trigger: [{{text: "{trigger}"}}{fixed}]
      pass: [{{text: "无关的文字"}}]
"""

#: rules ZH-TST-001 and -002 of the signature tests
MISSING_SIGNATURE = {
    "match": "{kind: signature, check: missing}",
    "category": "missing_identification",
}
GENERIC_SIGNATURE = {
    "match": "{kind: signature, check: generic, generic: [温馨提示]}",
    "category": "missing_identification",
}


def make_engine(
    tmp_path: Path,
    *rules: dict[str, str],
    options: EngineOptions | None = None,
    user_words: str = "[]",
) -> Engine:
    body = ""
    for i, rule in enumerate(rules, start=1):
        fields = {
            "id": f"ZH-TST-{i:03d}",
            "name": f"rule-{i}",
            "category": "threat",
            "severity": "error",
            "exceptions": "{}",
            "applies_to": "{}",
            "fix": "{applicability: manual, description: {zh: 改写, en: rewrite}}",
            "trigger": "x",
            "fixed": "",
            **rule,
        }
        body += BASE_RULE.format(**fields)
    pack = tmp_path / "test.yaml"
    pack.write_text(
        f"pack: {{name: test}}\nuser_words: {user_words}\nrules:{body}", encoding="utf-8"
    )
    return build_engine([pack], options, shipped=False)


def spans(engine: Engine, text: str, **ctx: object) -> list[str]:
    outcome = engine.lint(text, MessageContext.model_validate(ctx))
    return [v.matched for v in outcome.violations]


def test_terms_align_to_token_boundaries(tmp_path: Path):
    eng = make_engine(tmp_path, {"match": "{kind: terms, terms: [口交, 上门]}"})
    assert spans(eng, "前方路口交通拥堵") == []
    assert spans(eng, "明天上门") == ["上门"]


def test_char_boundary_matches_inside_words(tmp_path: Path):
    eng = make_engine(tmp_path, {"match": "{kind: terms, terms: [口交], boundary: char}"})
    assert spans(eng, "前方路口交通拥堵") == ["口交"]


def test_user_words_make_a_phrase_one_token(tmp_path: Path):
    # Without the user word jieba splits 爆通讯录 as 爆 / 通讯录, so the term 爆通 never
    # aligns; with it the whole phrase is one token and matches.
    eng = make_engine(
        tmp_path, {"match": "{kind: terms, terms: [爆通讯录]}"}, user_words="[爆通讯录]"
    )
    assert spans(eng, "再不还就爆通讯录") == ["爆通讯录"]


def test_span_points_at_original_characters_after_normalisation(tmp_path: Path):
    eng = make_engine(tmp_path, {"match": "{kind: terms, terms: [法院传票]}"})
    text = "您的法 院 傳 票已寄出"
    outcome = eng.lint(text)
    (v,) = outcome.violations
    assert text[v.start : v.end] == "法 院 傳 票" == v.matched


def test_negation_before_the_match_drops_it(tmp_path: Path):
    eng = make_engine(tmp_path, {"match": "{kind: terms, terms: [上门, 起诉]}"})
    assert spans(eng, "我们不会上门，请放心") == []
    assert spans(eng, "我们不会对您起诉") == []
    # a negation in another clause, or of the debtor's action, is no denial
    assert spans(eng, "如果不还款，我们就上门") == ["上门"]
    assert spans(eng, "未还款将起诉") == ["起诉"]


def test_negation_can_be_switched_off(tmp_path: Path):
    eng = make_engine(
        tmp_path, {"match": "{kind: terms, terms: [上门]}", "exceptions": "{negation: false}"}
    )
    assert spans(eng, "我们不会上门") == ["上门"]


def test_hedging_drops_lawful_possibility(tmp_path: Path):
    eng = make_engine(
        tmp_path, {"match": "{kind: terms, terms: [起诉]}", "exceptions": "{hedging: true}"}
    )
    assert spans(eng, "我司保留起诉的权利") == []
    assert spans(eng, "明天起诉你") == ["起诉"]


def test_allow_phrase_covers_the_match(tmp_path: Path):
    eng = make_engine(
        tmp_path, {"match": "{kind: terms, terms: [上门]}", "exceptions": "{allow: [上门服务]}"}
    )
    assert spans(eng, "提供上门服务") == []
    assert spans(eng, "派人上门") == ["上门"]


def test_requires_looks_at_the_whole_message_and_unless_at_the_sentence(tmp_path: Path):
    eng = make_engine(
        tmp_path,
        {
            "match": "{kind: terms, terms: [黑名单]}",
            "exceptions": "{unless: {terms: [新闻]}, requires: {terms: [逾期]}}",
        },
    )
    assert spans(eng, "逾期将列入黑名单") == ["黑名单"]
    assert spans(eng, "列入黑名单") == []  # requires 逾期
    assert spans(eng, "您已逾期。将列入黑名单") == ["黑名单"]  # requires: anywhere
    assert spans(eng, "新闻：逾期者被列入黑名单") == []  # unless 新闻, in its sentence
    # an unless in another sentence says nothing about this one
    assert spans(eng, "逾期将列入黑名单。更多新闻请关注公众号") == ["黑名单"]


def test_unless_scope_clause_sentence_message(tmp_path: Path):
    eng = make_engine(
        tmp_path,
        {
            "match": "{kind: terms, terms: [收拾你]}",
            "exceptions": "{unless: [{terms: [谨防], scope: clause}, {terms: [我行从不]},"
            " {pattern: '^新闻', scope: message}]}",
        },
    )
    assert spans(eng, "谨防有人说收拾你") == []  # clause
    assert spans(eng, "谨防诈骗，再不还钱就收拾你") == ["收拾你"]  # another clause
    assert spans(eng, "我行从不这样，说收拾你的是骗子") == []  # sentence (the default)
    assert spans(eng, "我行从不这样。再不还钱就收拾你") == ["收拾你"]  # another sentence
    assert spans(eng, "新闻：某公司。有人扬言收拾你") == []  # message
    # a clause is the one a clause-wide fix takes: a time's colon is inside it
    assert spans(eng, "谨防有人说今晚10:30收拾你") == []
    assert spans(eng, "谨防诈骗:再不还钱就收拾你") == ["收拾你"]


def test_an_absence_has_no_clause_so_any_unless_applies(tmp_path: Path):
    eng = make_engine(
        tmp_path,
        {
            "match": "{kind: required, present: {terms: [客服]}}",
            "exceptions": "{unless: {terms: [退订], scope: clause}}",
        },
    )
    assert len(spans(eng, "您已逾期。请还款")) == 1
    assert spans(eng, "您已逾期。请还款，回t退订") == []


def test_an_unknown_unless_scope_names_the_field(tmp_path: Path):
    with pytest.raises(PackError, match=r"unless\[0\]\.scope"):
        make_engine(
            tmp_path,
            {
                "match": "{kind: terms, terms: [上门]}",
                "exceptions": "{unless: {terms: [新闻], scope: paragraph}}",
            },
        )


def test_near_finds_two_sets_in_order_within_one_clause(tmp_path: Path):
    eng = make_engine(
        tmp_path,
        {"match": "{kind: near, first: {terms: [已, 马上]}, second: {terms: [起诉]}, within: 3}"},
    )
    assert spans(eng, "我们已对你起诉") == ["已对你起诉"]
    assert spans(eng, "起诉已经准备") == []  # wrong order
    assert spans(eng, "已收到，请起诉") == []  # another clause
    assert spans(eng, "马上就会有人来找你然后起诉") == []  # too far apart


def test_near_unordered(tmp_path: Path):
    eng = make_engine(
        tmp_path,
        {
            "match": "{kind: near, first: {terms: [马上]}, second: {terms: [起诉]},"
            " within: 3, ordered: false}"
        },
    )
    assert spans(eng, "起诉马上开始") == ["起诉马上"]


def test_regex_runs_on_prepared_text(tmp_path: Path):
    eng = make_engine(tmp_path, {"match": "{kind: regex, pattern: '\\d+小时内'}"})
    assert spans(eng, "请在７２小时内还款") == ["７２小时内"]


def test_required_fires_when_absent_with_an_empty_span(tmp_path: Path):
    eng = make_engine(
        tmp_path,
        {"match": "{kind: required, present: {pattern: '955\\d{2}'}}", "severity": "warning"},
    )
    outcome = eng.lint("请尽快还款")
    (v,) = outcome.violations
    assert (v.start, v.end) == (0, 0)
    assert outcome.decision == Decision.review
    assert eng.lint("请致电95588还款").violations == []


def test_signature_checks(tmp_path: Path):
    eng = make_engine(
        tmp_path,
        MISSING_SIGNATURE,
        GENERIC_SIGNATURE,
        {
            "match": "{kind: signature, check: not_organization}",
            "category": "missing_identification",
        },
    )

    def rules(text: str, **ctx: object) -> list[str]:
        return [v.rule for v in eng.lint(text, MessageContext.model_validate(ctx)).violations]

    assert rules("您的账单已出") == ["ZH-TST-001"]
    assert rules("【温馨提示】您的账单已出") == ["ZH-TST-002"]
    assert rules("您的账单已出【招商银行】") == []
    assert rules("【{org}】您的账单已出") == []  # a placeholder signature is checked once rendered
    assert rules("【某某公司】账单", organization=["招商银行"]) == ["ZH-TST-003"]
    assert rules("【招商银行】账单", organization=["招商银行"]) == []


def test_send_time_window_and_config_override(tmp_path: Path):
    rule = {"match": "{kind: send_time}", "category": "contact_time"}
    eng = make_engine(tmp_path, rule)
    assert spans(eng, "还款提醒", send_at="2026-03-01T22:30:00+08:00") == [""]
    assert spans(eng, "还款提醒", send_at="2026-03-01T07:59:00+08:00") == [""]
    assert spans(eng, "还款提醒", send_at="2026-03-01T21:30:00+08:00") == []
    assert spans(eng, "还款提醒") == []  # no send time, nothing to judge
    strict = make_engine(tmp_path, rule, options=EngineOptions(contact_hours=("08:00", "21:00")))
    assert spans(strict, "还款提醒", send_at="2026-03-01T21:30:00+08:00") == [""]


def test_applies_to_recipients_and_channels(tmp_path: Path):
    eng = make_engine(
        tmp_path,
        {
            "match": "{kind: terms, terms: [逾期]}",
            "applies_to": "{recipients: [third_party], channels: [sms]}",
        },
    )
    assert spans(eng, "张三已逾期", recipient="third_party") == ["逾期"]
    assert spans(eng, "张三已逾期", recipient="debtor") == []
    assert spans(eng, "张三已逾期", recipient="third_party", channel="app") == []


def test_safe_fix_is_applied_to_fixed_text(tmp_path: Path):
    eng = make_engine(
        tmp_path,
        {
            "match": "{kind: terms, terms: [老赖]}",
            "category": "abusive_language",
            "fix": "{applicability: safe, replacement: '', description: {zh: 删除, en: remove}}",
            # a rule that rewrites text shows the fixed message, in traditional characters too
            "fixed": ", {text: 你這個老賴快還錢, fixed: 你這個快還錢}",
        },
    )
    outcome = eng.lint("你这个老赖快还钱")
    assert outcome.fixed_text == "你这个快还钱"
    assert outcome.violations[0].fix is not None
    assert outcome.violations[0].fix.replacement == ""


def test_a_clause_wide_fix_takes_the_clause_a_number_or_an_address_is_in(tmp_path: Path):
    # the separators of a number (1.5万, 2,908元, 10:30) and the dots of an address do not
    # end a clause: a clause-wide fix replaces the whole clause, never what follows the
    # separator (您已逾期1.我们会电话联系您)
    eng = make_engine(
        tmp_path,
        {
            "match": "{kind: terms, terms: [上门]}",
            "fix": "{applicability: unsafe, scope: clause, replacement: 我们会电话联系您,"
            " description: {zh: 改写, en: rewrite}}",
            "fixed": ", {text: 明天上門, fixed: 我們會電話聯繫您}",
        },
    )
    for text in (
        "您已逾期1.5万元明天上门。",
        "您本期账单2,908.90元明天上门。",
        "今天10:30前不还明天上门。",
        "详见www.example.com明天上门。",
    ):
        (v,) = eng.lint(text).violations
        assert v.fix is not None and (v.fix.start, v.fix.end) == (0, len(text) - 1), text
    # a full stop between sentences still ends the clause
    (v,) = eng.lint("请尽快还款.明天上门").violations
    assert v.fix is not None and (v.fix.start, v.fix.end) == (6, 10)


def test_a_clause_wide_fix_leaves_a_quotation_mark_it_does_not_pair(tmp_path: Path):
    # a quotation that began in an earlier clause keeps its closing mark: the fix writes
    # 他说：“再不还，我们会电话联系您”。 not 他说：“再不还，我们会电话联系您。
    eng = make_engine(
        tmp_path,
        {
            "match": "{kind: terms, terms: [上门]}",
            "fix": "{applicability: unsafe, scope: clause, replacement: 我们会电话联系您,"
            " description: {zh: 改写, en: rewrite}}",
            "fixed": ", {text: 明天上門, fixed: 我們會電話聯繫您}",
        },
    )
    for text, fixed in [
        ("他说：“再不还，明天上门”。", "他说：“再不还，我们会电话联系您”。"),
        ("再不还，“明天上门，听到没”", "再不还，“我们会电话联系您，听到没”"),
        ("（再不还，明天上门）", "（再不还，我们会电话联系您）"),
        ("再不还，就“明天上门”", "再不还，我们会电话联系您"),  # a pair inside: all replaced
    ]:
        (v,) = eng.lint(text).violations
        assert v.fix is not None and v.fix.start is not None and v.fix.end is not None
        got = text[: v.fix.start] + (v.fix.replacement or "") + text[v.fix.end :]
        assert got == fixed


def test_a_replacement_that_fails_the_packs_becomes_advice(tmp_path: Path):
    # The fix for 骗子 writes 老赖, which another rule forbids: it must not be offered.
    eng = make_engine(
        tmp_path,
        {
            "match": "{kind: terms, terms: [骗子]}",
            "fix": "{applicability: safe, replacement: 老赖, description: {zh: 换, en: swap}}",
            "fixed": ", {text: 你這個騙子, fixed: 你這個老賴}",
        },
        {"match": "{kind: terms, terms: [老赖]}"},
    )
    outcome = eng.lint("你这个骗子")
    (v,) = outcome.violations
    assert v.fix is not None and v.fix.replacement is None
    assert v.fix.applicability.value == "manual"
    assert outcome.fixed_text == "你这个骗子"


def test_organization_variable_in_a_fix(tmp_path: Path):
    eng = make_engine(
        tmp_path,
        {
            "match": "{kind: signature, check: missing}",
            "category": "missing_identification",
            "fix": "{applicability: unsafe, replacement: '【{organization}】',"
            " description: {zh: 加签名, en: sign}}",
            "fixed": ", {text: 請按時還款, fixed: 【某某消費金融】請按時還款}",
        },
    )
    with_org = eng.lint("请按时还款", MessageContext(organization=["某某消费金融"]))
    assert with_org.violations[0].fix.replacement == "【某某消费金融】"  # type: ignore[union-attr]
    without = eng.lint("请按时还款")
    assert without.violations[0].fix.replacement is None  # type: ignore[union-attr]


def test_select_ignore_and_severity_overrides(tmp_path: Path):
    rules = (
        {"match": "{kind: terms, terms: [上门]}"},
        {"match": "{kind: terms, terms: [老赖]}", "category": "abusive_language"},
    )
    only_abuse = make_engine(tmp_path, *rules, options=EngineOptions(select=["abusive_language"]))
    assert [v.rule for v in only_abuse.lint("老赖，明天上门").violations] == ["ZH-TST-002"]
    ignored = make_engine(tmp_path, *rules, options=EngineOptions(ignore=["ZH-TST-002"]))
    assert [v.rule for v in ignored.lint("老赖，明天上门").violations] == ["ZH-TST-001"]
    softer = make_engine(tmp_path, *rules, options=EngineOptions(severity={"ZH-TST-001": "info"}))
    assert softer.lint("明天上门").decision == Decision.allow


def test_regex_timeout_fails_closed(tmp_path: Path):
    from linter.core.errors import RuleTimeout

    eng = make_engine(tmp_path, {"match": "{kind: regex, pattern: '(a|aa)+$'}"})
    with pytest.raises(RuleTimeout):
        eng.lint("a" * 40 + "!")


def test_pack_version_is_a_content_hash(tmp_path: Path):
    one = make_engine(tmp_path, {"match": "{kind: terms, terms: [上门]}"})
    same = make_engine(tmp_path, {"match": "{kind: terms, terms: [上门]}"})
    other = make_engine(tmp_path, {"match": "{kind: terms, terms: [老赖]}"})
    assert one.version == same.version != other.version


def test_a_user_word_does_not_hide_a_shorter_term_inside_it(tmp_path: Path):
    # One pack makes 失信被执行人 one token; another pack's term 失信 must still match.
    eng = make_engine(
        tmp_path, {"match": "{kind: terms, terms: [失信]}"}, user_words="[失信被执行人]"
    )
    assert spans(eng, "你将成为失信被执行人") == ["失信"]


def test_a_signature_before_an_opt_out_note_counts(tmp_path: Path):
    eng = make_engine(
        tmp_path,
        MISSING_SIGNATURE,
        GENERIC_SIGNATURE,
    )
    assert [v.rule for v in eng.lint("您的账单已出【招商银行】回T退订").violations] == []
    assert [v.rule for v in eng.lint("您的账单已出【温馨提示】退订回T").violations] == [
        "ZH-TST-002"
    ]


def test_words_that_contain_a_cue_but_do_not_negate(tmp_path: Path):
    eng = make_engine(tmp_path, {"match": "{kind: terms, terms: [上门]}"})
    assert spans(eng, "我们不得不上门") == ["上门"]  # 不得不 = must
    assert spans(eng, "是不是要我们上门") == ["上门"]  # a question, not a denial
    assert spans(eng, "我们不得上门") == []
    # rhetorical: "you think we won't?" says "we will"
    assert spans(eng, "你以为我们不会上门吗") == ["上门"]
    assert spans(eng, "难道我们不会上门") == ["上门"]
    assert spans(eng, "我们不会上门") == []


def test_a_quoted_word_that_is_talked_about_is_not_used(tmp_path: Path):
    eng = make_engine(tmp_path, {"match": "{kind: terms, terms: [老赖]}"})
    assert spans(eng, "短信中如出现“老赖”等不文明用语，均非我司发送") == []
    assert spans(eng, "我们从不使用“老赖”称呼客户") == []
    assert spans(eng, "你这个老赖") == ["老赖"]
    assert spans(eng, "你就是个“老赖”，快还钱") == ["老赖"]  # scare quotes still insult


def test_a_quoted_claim_that_is_warned_about_is_a_mention(tmp_path: Path):
    eng = make_engine(tmp_path, {"match": "{kind: terms, terms: [黑名单, 坐牢]}"})
    assert spans(eng, "有人假冒我行发送“您已被列入黑名单，需缴纳保证金解冻”的短信，请勿轻信") == []
    assert spans(eng, "骗子常说“不还钱就坐牢”，请不要相信") == []
    assert spans(eng, "不还钱就坐牢") == ["坐牢"]


def test_homophone_variants_read_as_their_word_and_spans_stay_original(tmp_path: Path):
    pack = tmp_path / "v.yaml"
    pack.write_text(
        "pack: {name: v}\nvariants: {法阮: 法院}\nrules:\n"
        + BASE_RULE.format(
            id="ZH-TST-001",
            name="court",
            category="misleading_legal",
            severity="error",
            match="{kind: terms, terms: [法院]}",
            exceptions="{}",
            applies_to="{}",
            fix="{applicability: manual, description: {zh: 改, en: fix}}",
            trigger="法院",
            fixed="",
        ),
        encoding="utf-8",
    )
    eng = build_engine([pack], shipped=False)
    (v,) = eng.lint("已提交法阮").violations
    assert v.matched == "法阮"


def test_a_variant_must_keep_the_length(tmp_path: Path):
    from linter.packs.loader import PackError, load_pack

    pack = tmp_path / "v.yaml"
    pack.write_text("pack: {name: v}\nvariants: {fayuan: 法院}\nrules: []\n", encoding="utf-8")
    with pytest.raises(PackError, match="variants"):
        load_pack(pack)
