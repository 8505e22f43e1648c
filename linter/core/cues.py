"""Exceptions to a match: negation and hedging near it, allow-phrases around it.

不会上门 is a promise, not a threat; 我们不会起诉 is not a claim of a lawsuit. A cue counts
only in the same clause, a few characters before the match: 不还款，将起诉 keeps its 起诉.
Bare 不/未/没有 are not cues, because they usually negate the debtor's action
(未还款将起诉, 没有还款就上门), which is the threat's condition, not its denial.
"""

from __future__ import annotations

import re

from .analysis import Span
from .rule_spec import Scope

NEGATION_CUES = (
    "不会", "决不", "绝不", "不得", "禁止", "严禁", "并未", "从未", "从不", "并非", "而非",
    "不是", "无需", "不需要", "不必", "不存在", "不涉及", "无意", "不打算", "不可能",
    "不安排", "不会安排", "不派", "未被", "并未被", "没有被", "没被",
)  # fmt: skip
HEDGE_CUES = (
    "可能", "或将", "或许", "也许", "有权", "保留", "视情况", "依法", "如有必要",
)  # fmt: skip

#: where a clause ends (cue windows and clause-wide fixes stop there); the separators of a
#: number (1.5万, 2,908元, 10:30) and the dots of www.example.com do not
CLAUSE_BREAK = re.compile(
    r"[，。！？；!?;\n]|(?<![0-9])[,:：]|[,:：](?![0-9])|\.(?![0-9A-Za-z])"
    r"|但是|但|不过|可是|否则|要不然|不然"
)
CUE_WINDOW = 6


def _clause_before(text: str, start: int, window: int) -> str:
    before = text[max(0, start - window - 4) : start]
    parts = CLAUSE_BREAK.split(before)
    return parts[-1] if parts else ""


#: Words that contain a cue but do not negate: 不得不 is "must", 是不是 asks a question,
#: 你以为我们不会… / 难道我们不会… are rhetorical: they say "we will".
FALSE_CUES = (
    "不得不", "是不是", "不是吗", "不会吧", "不会不", "不可能不", "不是不",
    "以为不会", "以为我们不会", "以为我司不会", "以为我不会", "以为咱们不会",
    "难道不会", "难道我们不会", "难道我司不会", "难道我不会",
)  # fmt: skip


def _is_false_cue(clause: str, pos: int, cue: str) -> bool:
    for word in FALSE_CUES:
        offset = word.find(cue)
        while offset >= 0:
            start = pos - offset
            if start >= 0 and clause[start : start + len(word)] == word:
                return True
            offset = word.find(cue, offset + 1)
    return False


def cue_before(text: str, span: Span, cues: tuple[str, ...], window: int = CUE_WINDOW) -> bool:
    """A cue ends within ``window`` characters before the span, in the same clause."""
    clause = _clause_before(text, span[0], window)
    for cue in cues:
        pos = clause.rfind(cue)
        while pos >= 0 and len(clause) - (pos + len(cue)) <= window:
            if not _is_false_cue(clause, pos, cue):
                return True
            pos = clause.rfind(cue, 0, pos)
    return False


def cue_inside(text: str, span: Span, cues: tuple[str, ...]) -> bool:
    inner = text[span[0] : span[1]]
    for cue in cues:
        pos = inner.find(cue)
        while pos >= 0:
            if not _is_false_cue(inner, pos, cue):
                return True
            pos = inner.find(cue, pos + 1)
    return False


def allowed_by_phrase(text: str, span: Span, phrases: list[str]) -> bool:
    """The span lies inside an occurrence of one of the allow-phrases."""
    for phrase in phrases:
        start = text.find(phrase, max(0, span[0] - len(phrase)))
        while start != -1 and start <= span[0]:
            if start + len(phrase) >= span[1]:
                return True
            start = text.find(phrase, start + 1)
    return False


_QUOTES = {"“": "”", '"': '"', "「": "」", "『": "』", "‘": "’", "'": "'", "《": "》"}
_MENTION_AFTER = re.compile(
    # …“不还钱就找你家人”“发到你朋友圈”等话术: a list of quotations, then the marker
    r"[”\"」』’'》](?:\s*[、，,和及或]?\s*[“\"「『‘'《][^”\"」』’'》\n]{1,30}[”\"」』’'》])*"
    r"\s*(?:等|之类|一类|这类|此类|字样|字眼|的说法|的话术|用语|词语|词汇|一词"
    r"|的短信|的信息|的消息|的电话|的话|曝光图|截图|一事|的说明"
    r"|的?(?:咨询|疑问|提问|询问|诉求|留言|投诉|举报|反馈))"
)
#: a verb that always introduces a quoted word, never an utterance to the reader
_MENTION_BEFORE = re.compile(
    r"(?:出现|诸如|例如|比如|譬如|自称|冒充|假冒|声称|所谓|常说|会说|谎称|转发|关于)"
    r"\s*[“\"「『‘'《]$"
)
_QUOTE_REACH = 30
_OPENING_QUOTES = frozenset(_QUOTES)
#: words of a warning that quotes what scammers or rogue collectors say; they make a
#: quotation a mention only in the quotation's own clause, before it (see quoted_mention)
_NOTICE = re.compile(
    r"自称|声称|谎称|冒充|假冒|诈骗|骗子|不法分子|反诈|防诈|防骗|警惕|谨防|举报|投诉|拦截|普法"
    r"|扬言|疑似|均非|并非我|如遇|若遇|遇到|话术|关于"
)
#: the quotation is said to the reader: 再不还钱就“找人收拾你”, 你就是个“老赖”, 我们会“上门”
#: (not after a verb of saying: 催收员称您“老赖”, 威胁要“告诉你全家” report what was said)
_ADDRESSED = re.compile(r"(?<!称|说|言|胁|示)(?:就|便|才|要|会|将|是|个|你|您|这个|那个)\s*$")
#: a clause that only introduces the quotation: 不法分子冒充法院，称“您已被起诉”
_SPEECH_INTRO = re.compile(
    r"(?:并|还|会|常|就|则|或|又)?(?:称|说|声称|表示|扬言|谎称|威胁)(?:要|将|会)?[:：]?\s*"
)
#: an earlier quotation in the lead: its commas are not the sentence's
_QUOTED = re.compile(r"[“「『][^”」』\n]*[”」』]")
#: where a sentence ends
SENTENCE_BREAK = re.compile(r"[。！？!?\n]")
_LEAD_CLAUSE_BREAK = re.compile(r"[，,；;]")
_LEAD_REACH = 60


def _notice_governs(text: str, open_at: int) -> bool:
    """A warning word stands in the quotation's clause, before it, and the quotation is
    not said to the reader (骗子常说“…”, 谨防有人冒充“法院”, 如遇自称“…”)."""
    lead = text[max(0, open_at - _LEAD_REACH) : open_at]
    lead = _QUOTED.sub("“”", SENTENCE_BREAK.split(lead)[-1])
    clauses = _LEAD_CLAUSE_BREAK.split(lead)
    last = clauses[-1]
    if _ADDRESSED.search(last):
        return False
    if _NOTICE.search(last):
        return True
    return (
        len(clauses) > 1
        and _SPEECH_INTRO.fullmatch(last) is not None
        and _NOTICE.search(clauses[-2]) is not None
    )


def quoted_mention(text: str, span: Span) -> bool:
    """The span is inside quotation marks and talked about, not said: 如出现“老赖”等用语.

    Only the quotation's own words decide: a mention marker after it (等用语, 之类的话术),
    a quoting verb just before it (出现, 例如, 冒充), or a warning word earlier in its
    clause (骗子常说“…”). A hotline or an anti-fraud line in another clause or sentence
    does not make a threat a quotation, and neither do quotation marks around words said
    to the reader (再不还钱就“找人收拾你”).
    """
    start, end = span
    before = text[max(0, start - _QUOTE_REACH) : start]
    if _OPENING_QUOTES.isdisjoint(before):  # the common case: no quotation mark at all
        return False
    opening = max(before.rfind(q) for q in _QUOTES)
    if opening < 0:
        return False
    close = _QUOTES[before[opening]]
    if close in before[opening + 1 :] and close != before[opening]:
        return False
    after = text[end : end + _QUOTE_REACH]
    closing = after.find(close)
    if closing < 0 or SENTENCE_BREAK.search(before[opening:] + after[:closing]):
        return False
    open_at = max(0, start - _QUOTE_REACH) + opening
    return bool(
        _MENTION_AFTER.match(text, end + closing)
        or _MENTION_BEFORE.search(text, max(0, open_at - 6), open_at + 1)
        or _notice_governs(text, open_at)
    )


_SCOPE_BREAK: dict[str, re.Pattern[str]] = {
    "sentence": SENTENCE_BREAK,
    "clause": CLAUSE_BREAK,
}


def scope_region(text: str, span: Span, scope: Scope) -> Span:
    """The clause or sentence around ``span`` (the whole text for ``message``).

    An empty span (an absence, a send time) stands in no clause: its region is the message.
    """
    if scope == "message" or span[0] == span[1]:
        return 0, len(text)
    brk = _SCOPE_BREAK[scope]
    start = 0
    for m in brk.finditer(text, 0, span[0]):
        start = m.end()
    found = brk.search(text, span[1])
    return start, found.start() if found else len(text)


def overlaps_any(region: Span, spans: list[Span]) -> bool:
    return any(s < region[1] and region[0] < e for s, e in spans)
