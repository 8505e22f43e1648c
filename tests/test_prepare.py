"""Normalisation keeps a map back to the original text; placeholders are slots."""

from __future__ import annotations

import pytest

from linter.core.prepare import SLOT, prepare, prepare_text


def original_of(text: str, needle: str) -> str:
    prepared = prepare(text)
    start = prepared.text.index(needle)
    a, b = prepared.to_original(start, start + len(needle))
    return text[a:b]


@pytest.mark.parametrize(
    ("text", "needle", "expected_original"),
    [
        ("请注意：法 院 傳 票已发出", "法院传票", "法 院 傳 票"),
        ("法*院传票", "法院传票", "法*院传票"),
        ("法-院", "法院", "法-院"),
        ("法\u200b院", "法院", "法\u200b院"),
        ("ＡＢＣ法院", "abc法院", "ＡＢＣ法院"),
        ("還款", "还款", "還款"),
    ],
)
def test_spans_point_into_the_original_text(text: str, needle: str, expected_original: str):
    assert original_of(text, needle) == expected_original


def test_full_width_digits_and_punctuation_fold_to_ascii():
    assert prepare("逾期３天！").text == "逾期3天!"


def test_the_you_written_to_a_woman_reads_as_you():
    """妳 (Taiwan, Hong Kong) is 你 to every rule; the span still shows 妳."""
    assert prepare("這筆錢就要妳來還").text == "这笔钱就要你来还"
    assert original_of("妳是他的緊急聯絡人", "你是他") == "妳是他"


def test_separators_between_non_han_characters_are_kept():
    # 955-88 is a phone number, not an evasion; only runs between Han characters go.
    assert prepare("请致电955-88").text == "请致电955-88"


@pytest.mark.parametrize(
    "placeholder",
    ["{name}", "{{ name }}", "${name}", "%s", "%(name)s", "#name#", "{姓名}"],
)
def test_each_placeholder_becomes_one_slot(placeholder: str):
    prepared = prepare(f"尊敬的{placeholder}先生")
    assert prepared.text == f"尊敬的{SLOT}先生"
    slot = prepared.text.index(SLOT)
    assert prepared.to_original(slot, slot + 1) == (3, 3 + len(placeholder))


def test_a_placeholder_never_glues_words_together():
    # 法院{x}传票 must not become 法院传票
    assert "法院传票" not in prepare("法院{x}传票").text


def test_empty_span_maps_to_a_position():
    prepared = prepare("abc")
    assert prepared.to_original(0, 0) == (0, 0)
    assert prepared.to_original(3, 3) == (3, 3)


def test_full_width_braces_are_a_placeholder_too():
    assert prepare("应还｛amount｝元").text == f"应还{SLOT}元"


def test_full_width_separators_inside_words_are_removed_too():
    assert original_of("通－讯－录已导出", "通讯录") == "通－讯－录"
    assert original_of("法＊院", "法院") == "法＊院"


def test_a_respelt_span_maps_each_character_to_what_it_was_written_with():
    from linter.core.prepare import Respelling, respell

    base = prepare("去fa院和TXL")
    fa, txl = base.text.index("fa"), base.text.index("txl")
    prepared = respell(
        base,
        [
            Respelling(fa, fa + 2, "法", ((fa, fa + 2),)),
            Respelling(txl, txl + 3, "通讯录"),  # no parts: each character is the whole run
        ],
    )
    assert prepared.text == "去法院和通讯录"
    assert prepared.to_original(1, 3) == (1, 4)  # 法院 → fa院
    assert prepared.to_original(5, 6) == (5, 8)  # 讯 → TXL
    assert prepared.to_original(0, 1) == (0, 1)
    assert len(prepared.starts) == len(prepared.ends) == len(prepared.text)


@pytest.mark.parametrize(
    "text",
    [
        "法 院 傳 票",
        "法*院",
        "法\u200b院",
        "ＡＢＣ法院",
        "還款",
        "{姓名}先生",
        "%s元",
        "你的家人",
        "",
    ],
)
def test_prepare_text_is_the_text_of_prepare(text: str):
    # concept templates prepare their terms with the shortcut: it must give the same text
    assert prepare_text(text) == prepare(text).text
