"""Fixes: what to write instead, and applying replacements to a text.

A replacement must read as a sentence where it is put. A fix spec says how much of the
text its replacement takes the place of (``scope``):

- ``match``: the matched words (他妈的 removed from 你他妈的到底还不还);
- ``clause``: the whole clause around the match, from the clause break before it to the
  one after it (再不还款，我们马上起诉你！ → 再不还款，<replacement>！);
- ``address``: the match is a way of addressing the reader (你这个老赖); its replacement
  (您) stands where the clause goes on after it, and the address is dropped where it ends
  its clause (张三你这个老赖，… → 张三，…). After a name or a placeholder it is put after
  a comma ({name}，您…); after other words nothing safe can be said: advice only.

A replacement is written in the script of the message (traditional in, traditional out).
A deletion that empties its clause takes the clause break with it. When no sentence can be
made, the fix is advice: no replacement, manual.
"""

from __future__ import annotations

import re

from .cues import CLAUSE_BREAK, SENTENCE_BREAK
from .models import Applicability, Fix, MessageContext
from .rule_spec import FixSpec
from .script import ORG_VAR, in_script, script_of

#: a clause also starts after a 【signature】
_CLAUSE_EDGE = re.compile(CLAUSE_BREAK.pattern + r"|】")
#: clause breaks that are punctuation (a deletion may take one with it)
_PUNCT_BREAK = re.compile(r"[，。！？；,.!?;\n：:、]")
_COMMA_LIKE = frozenset("，,、；;：:")
#: what may stand before an address that is put after a comma: a placeholder or a name
#: with a title (张先生, 李女士)
_NAME_BEFORE = re.compile(
    r"\s*(?:\{\{[^{}]+\}\}|\$\{[^{}]+\}|\{[^{}]+\}|｛[^｛｝]+｝|%\(\w+\)[sd]|%s|#[^#\s]+#"
    r"|[\u4e00-\u9fff]{1,3}(?:先生|女士|小姐|老师|同学|经理|老板|总))\s*"
)


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around ``[start, end)``: from the end of the break before it to the start
    of the break after it (leading and trailing spaces left out)."""
    lo, hi = 0, len(text)
    for m in _CLAUSE_EDGE.finditer(text):
        if m.end() <= start:
            lo = m.end()
        elif m.start() >= end:
            hi = m.start()
            break
    while lo < start and (text[lo].isspace() or _unpaired(text, lo, hi, lo)):
        lo += 1
    while hi > end and (text[hi - 1].isspace() or _unpaired(text, lo, hi, hi - 1)):
        hi -= 1
    return lo, hi


#: quotation marks and brackets that come in pairs (straight quotes open and close alike)
_OPENS = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "（": "）", "(": ")"}
_CLOSES = {c: o for o, c in _OPENS.items()}


def _unpaired(text: str, lo: int, hi: int, at: int) -> bool:
    """Is ``text[at]`` a quotation mark or bracket whose partner is not in ``[lo, hi)``? A
    clause that a quotation only begins or ends in leaves that mark where it is."""
    mark = text[at]
    if mark in _OPENS:
        return text.count(mark, lo, hi) > text.count(_OPENS[mark], lo, hi)
    if mark in _CLOSES:
        return text.count(mark, lo, hi) > text.count(_CLOSES[mark], lo, hi)
    return False


def _without_empty_clause(text: str, lo: int, hi: int) -> tuple[int, int]:
    """A deletion of ``[lo, hi)``, widened to take a clause break along when nothing of the
    clause would be left (他妈的，还钱 → 还钱, 还钱，他妈的！ → 还钱！)."""
    c_lo, c_hi = clause_bounds(text, lo, hi)
    if text[c_lo:lo].strip() or text[hi:c_hi].strip():
        return lo, hi
    after, before = c_hi, c_lo
    while after < len(text) and text[after].isspace():
        after += 1
    following = _PUNCT_BREAK.match(text, after)
    preceding = before > 0 and _PUNCT_BREAK.match(text[before - 1])
    if following and (text[after] in _COMMA_LIKE or not preceding):
        return min(lo, c_lo), following.end()
    if preceding:
        return before - 1, max(hi, c_hi)
    return lo, hi


def _address(text: str, start: int, end: int, replacement: str) -> tuple[str | None, int, int]:
    """Put a term of address's replacement where it reads (see the module docstring)."""
    c_lo, c_hi = clause_bounds(text, start, end)
    ends_clause = not text[end:c_hi].strip()
    before = text[c_lo:start]
    if ends_clause:
        return "", start, end
    if not before.strip():
        return replacement, start, end
    if _NAME_BEFORE.fullmatch(before):
        return "，" + replacement, start, end
    return None, start, end


_SIGNATURE = re.compile(r"【[^【】\n]{0,40}】")


def _script_at(text: str, start: int, end: int) -> str | None:
    """The script (:func:`script_of`) a replacement at ``[start, end)`` is written in: its
    sentence's, or the whole message's when the sentence shows none; a 【signature】 is a
    registered name and does not count."""
    lo = max((m.end() for m in SENTENCE_BREAK.finditer(text, 0, start)), default=0)
    after = SENTENCE_BREAK.search(text, end)
    sentence = _SIGNATURE.sub("", text[lo : after.start() if after else len(text)])
    script = script_of(sentence)
    if script is not None:
        return script
    whole = script_of(_SIGNATURE.sub("", text))
    # None with characters that have a traditional form: the sentence shows its script.
    # Asked last, as building the s2t converter costs 30-60 ms, and a message in simplified
    # characters (whole is None) needs no answer
    if whole is None or in_script(sentence, "s2t") != sentence:
        return None
    return whole


def build_fix(
    spec: FixSpec,
    matched_prepared: str,
    context: MessageContext,
    lang: str,
    text: str = "",
    span: tuple[int, int] = (0, 0),
) -> Fix:
    """The fix for a violation of ``spec`` on ``text[span[0]:span[1]]``."""
    description = spec.description.zh if lang == "zh" else spec.description.en
    replacement = spec.replacements.get(matched_prepared, spec.replacement)
    start, end = span
    if replacement is not None:
        if spec.scope == "clause":
            start, end = clause_bounds(text, start, end)
        elif spec.scope == "address":
            replacement, start, end = _address(text, start, end, replacement)
    if replacement:  # a deletion has no script and signs with nothing
        replacement = in_script(replacement, _script_at(text, start, end))
        if ORG_VAR in replacement:
            orgs = [o for o in context.organization if o.strip()]
            # with no organisation to sign with, only a person can write it; with the SMS
            # gateway signing, the gateway's setting is what to change, not the text
            signable = orgs and context.gateway_signature is None
            replacement = replacement.replace(ORG_VAR, orgs[0]) if signable else None
    if replacement == "":
        start, end = _without_empty_clause(text, start, end)
        if not (text[:start] + text[end:]).strip():
            replacement = None  # nothing would be left of the message
    if replacement is None:
        return Fix(description=description, applicability=Applicability.manual)
    return Fix(
        description=description,
        replacement=replacement,
        applicability=spec.applicability,
        start=start,
        end=end,
    )
