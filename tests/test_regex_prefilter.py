"""The regex prefilter is sound: it only skips patterns that cannot match the message."""

from __future__ import annotations

from pathlib import Path

import pytest
import regex
import yaml

from linter.engine import Engine
from linter.matchers import PackRegex
from linter.prepare import prepare
from linter.regex_prefilter import required_chars

DEV_SET = Path(__file__).parent / "data" / "dev_messages.yaml"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("起诉|传票", {"起", "传"}),
        ("(已|将)起诉你", {"起"}),  # the smallest mandatory set wins
        ("a?b", {"b"}),
        ("[法院]{2}", {"法", "院"}),
        ("(?:马上|立即)?上门", {"上"}),
        (r"\d+元", {"元"}),
    ],
)
def test_required_characters(pattern: str, expected: set[str]):
    assert required_chars(pattern) == expected


@pytest.mark.parametrize(
    "pattern",
    [
        "[^x]+",  # anything
        r"\p{Han}{2}",  # regex-module syntax the stdlib parser does not read
        "[[a-z]--[aeiou]]",  # a V1 nested set
        "(?i)abc",  # case-insensitive: the text's case is not the pattern's
        "x*",
        r"(?:起诉){e<=1}",  # fuzzy matching
    ],
)
def test_no_prefilter_where_unsure(pattern: str):
    assert required_chars(pattern) is None


def _texts(engine: Engine) -> list[str]:
    texts = [ex.text for r in engine.all_rules for ex in r.spec.examples.trigger]
    texts += [ex.text for r in engine.all_rules for ex in r.spec.examples.passing]
    if DEV_SET.is_file():
        texts += [m["text"] for m in yaml.safe_load(DEV_SET.read_text("utf-8"))["messages"]]
    return [prepare(t).text for t in texts]


def test_every_pack_regex_prefilter_is_sound(engine: Engine):
    regexes: list[PackRegex] = []
    for rule in engine.all_rules:
        m = rule.matcher
        for part in (
            m,
            getattr(m, "finder", None),
            getattr(m, "first", None),
            getattr(m, "second", None),
            getattr(m, "present", None),
        ):
            rx = getattr(part, "regex", None)
            if isinstance(rx, PackRegex):
                regexes.append(rx)
    assert regexes, "no pack regexes found"
    texts = _texts(engine)
    for rx in regexes:
        if rx.required is None:
            continue
        for text in texts:
            if regex.search(rx.compiled, text):
                assert not rx.required.isdisjoint(text), (rx.pattern, text)
