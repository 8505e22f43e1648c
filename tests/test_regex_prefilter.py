"""The regex prefilter is sound: it only skips patterns that cannot match the message."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import regex
import yaml

from linter.core.engine import Engine
from linter.core.matchers import PackRegex
from linter.core.prepare import prepare

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from regex_anchors import required_chars, required_literals, required_sets

DEV_SET = Path(__file__).parent / "data" / "dev_messages.yaml"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("起诉|传票", {"起", "传"}),
        ("(已|将)起诉你", {"你"}),  # a smallest mandatory set wins
        ("a?b", {"b"}),
        ("[法院]{2}", {"法", "院"}),
        ("(?:马上|立即)?上门", {"上"}),
        (r"\d+元", {"元"}),
    ],
)
def test_required_characters(pattern: str, expected: set[str]):
    assert required_chars(pattern) == expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("起诉|传票", {"起诉", "传票"}),
        ("(?:马上|立即)起诉", {"马上起诉", "立即起诉"}),  # the longest strings a match holds
        ("(已|将)(起诉|立案)", {"已起诉", "已立案", "将起诉", "将立案"}),
        ("打[你他]", {"打你", "打他"}),  # far rarer in a message than 打 alone
        ("[法院]{2}传票", {"法法传票", "法院传票", "院法传票", "院院传票"}),
        ("起诉(?:你)?", {"起诉"}),  # 起诉你 says nothing 起诉 does not
        ("(?:马上)?起诉", {"起诉"}),
        ("上门[^，]{0,9}催收你", {"催收你"}),  # a free gap splits the runs; the rarer wins
        (r"(?<!不)上门", {"上门"}),
        ("上(?=门)门", {"上门"}),  # a lookahead consumes nothing: 上 and 门 stay adjacent
        ("[^x]起", {"起"}),
        ("x*", None),
        ("(?:起诉|[^，]+)", None),  # one alternative may be anything
    ],
)
def test_literal_anchors(pattern: str, expected: set[str] | None):
    found = required_literals(pattern)
    assert (found if found is None else set(found)) == expected


def test_every_mandatory_part_is_required():
    assert set(required_sets("(已|将)起诉你")) == {
        frozenset("起"),
        frozenset("诉"),
        frozenset("你"),
        frozenset("已将"),
    }
    assert required_sets("x*") == ()


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
        for text in texts:
            if regex.search(rx.compiled, text):
                for need in required_sets(rx.pattern):
                    assert not need.isdisjoint(text), (rx.pattern, text, need)
                if rx.anchors is not None:
                    assert any(a in text for a in rx.anchors), (rx.pattern, text)


def test_prefiltered_search_finds_exactly_what_a_full_search_finds(engine: Engine):
    from linter.core.analysis import analyse
    from linter.core.models import MessageContext

    regexes = [
        rx
        for rule in engine.all_rules
        for part in (
            rule.matcher,
            *(getattr(rule.matcher, a, None) for a in ("finder", "first", "second", "present")),
        )
        if isinstance(rx := getattr(part, "regex", None), PackRegex)
    ]
    raw = [ex.text for r in engine.all_rules for ex in r.spec.examples.trigger]
    if DEV_SET.is_file():
        raw += [m["text"] for m in yaml.safe_load(DEV_SET.read_text("utf-8"))["messages"]]
    checked = 0
    for text in raw:
        analysis = analyse(text, MessageContext(), engine.tokenizer, engine.index)
        for rx in regexes:
            full = [
                (m.start(), m.end())
                for m in rx.compiled.finditer(analysis.text)
                if m.end() > m.start()
            ]
            assert rx.find(analysis) == full, (rx.pattern[:80], text)
            checked += bool(full)
    assert checked > 100  # the comparison saw plenty of real matches
