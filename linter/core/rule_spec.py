"""The rule-pack format, as pydantic models. A pack that does not fit them does not load.

A pack file::

    pack: {name: threat, language: zh-CN}
    user_words: [爆通讯录, 法院传票]        # tokenised as one word
    term_sets: {violence: [弄死, 打断腿]}   # reusable, referred to as "@violence"
    rules:
      - id: ZH-THR-001
        ...

See ``docs/rule-format.md`` for every field.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Literal, get_args

import regex
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from .frame_spec import ROLES, AllMatch, AnyMatch, FrameMatch, PhraseMatch, roles_of
from .models import Applicability, Category, Channel, MessageContext, Recipient, Severity
from .pinyin import ABBREVIATION_KEY, HAN_WORD
from .script import is_traditional

RULE_ID = r"^[A-Z]{2}-[A-Z]{2,5}-\d{3}$"


class _Strict(BaseModel):
    # validators built on first use: an engine read from the cache validates no pack
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Text2(_Strict):
    """A text in Chinese with an English one beside it."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


@lru_cache(maxsize=4096)
def compile_pack_regex(pattern: str) -> regex.Pattern[str]:
    """Every pack pattern is compiled once per process (validation and matching share it)."""
    return regex.compile(pattern, regex.V1)


#: validation context of msglint's own packs, which CI checks in full: what cannot fail for
#: them (a pattern that does not compile, a 'fixed:' example missing) is not checked again at
#: every start-up; patterns compile on their first run. ``model_validate(data, context=SHIPPED)``
SHIPPED = {"shipped": True}


def _shipped(info: ValidationInfo) -> bool:
    return bool((info.context or {}).get("shipped"))


def _valid_regex(pattern: str | None, info: ValidationInfo) -> str | None:
    if pattern is not None and not _shipped(info):
        try:
            compile_pack_regex(pattern)
        except regex.error as exc:
            raise ValueError(f"not a valid regex: {exc}") from None
    return pattern


#: strings one of which every match of a pattern contains (see docs/rule-format.md)
Anchors = Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]


class Pattern(_Strict):
    """What one side of a match looks for: listed terms, a regular expression, or both."""

    terms: list[str] = Field(default_factory=list)
    pattern: str | None = None
    #: strings one of which every match of ``pattern`` contains; without them it always runs
    anchors: Anchors | None = None
    #: token: a term must start and end on jieba token boundaries; char: anywhere.
    boundary: Literal["token", "char"] = "token"

    _check_pattern = field_validator("pattern")(_valid_regex)

    @model_validator(mode="after")
    def _something_to_match(self) -> Pattern:
        if not self.terms and not self.pattern:
            raise ValueError("needs 'terms' or 'pattern'")
        if self.anchors is not None and not self.pattern:
            raise ValueError("'anchors' belong to a 'pattern'")
        return self


class TermsMatch(Pattern):
    kind: Literal["terms"]


class RegexMatch(_Strict):
    kind: Literal["regex"]
    pattern: str
    #: strings one of which every match contains; without them the rule always runs
    anchors: Anchors | None = None

    _check_pattern = field_validator("pattern")(_valid_regex)


class NearMatch(_Strict):
    """Two term sets within ``within`` tokens of each other (in order if ``ordered``)."""

    kind: Literal["near"]
    first: Pattern
    second: Pattern
    within: int = Field(default=6, ge=1, le=40)
    ordered: bool = True


class RequiredMatch(_Strict):
    """Something the message must contain; the rule fires when it is absent."""

    kind: Literal["required"]
    present: Pattern
    #: where the required thing must stand: the first/last ``edge_chars`` characters, or anywhere
    where: Literal["anywhere", "edge"] = "anywhere"
    edge_chars: int = Field(default=40, ge=1)


class SendTimeMatch(_Strict):
    """Fires when the send time is known and outside the permitted local window."""

    kind: Literal["send_time"]
    earliest: str = Field(default="08:00", pattern=r"^\d{2}:\d{2}$")
    latest: str = Field(default="22:00", pattern=r"^\d{2}:\d{2}$")


class SignatureMatch(_Strict):
    """The SMS 【signature】 at the start or end of a message.

    ``missing``: there is none. ``generic``: every signature is a word that names nobody
    (温馨提示, 催收中心 …). ``not_organization``: organisation names are known from the
    context and no signature contains one. A placeholder signature (【{org}】) counts as
    present; it is checked again once rendered.
    """

    kind: Literal["signature"]
    check: Literal["missing", "generic", "not_organization"]
    generic: list[str] = Field(default_factory=list)


class ModelMatch(_Strict):
    """The learned second opinion: the shipped model's score for ``category`` reaches
    ``threshold`` (see :mod:`linter.core.text_model`). Its span is the clause that scores
    highest. A model can send a message to review, never block it alone: its rule's
    severity is at most ``warning``. By default it speaks only where the rules are silent
    (``when``)."""

    kind: Literal["model"]
    category: Category
    threshold: float = Field(gt=0, lt=1)
    #: ``rules-silent``: a second opinion, asked only when no other rule has found what a
    #: message says (a threat, a disclosure, a legal claim, abuse) at ``warning`` or above
    #: and none let words of it go for their context; ``category-silent``: asked unless a
    #: rule of its own category did either, at ``beside_findings`` where rules of other
    #: categories did; ``always``: on every message, beside the rules
    when: Literal["rules-silent", "category-silent", "always"] = "rules-silent"
    #: with ``category-silent``: the score needed where other categories' rules spoke
    beside_findings: float | None = Field(default=None, gt=0, lt=1)

    @model_validator(mode="after")
    def _beside_findings_with_category_silent(self) -> ModelMatch:
        if self.when == "category-silent":
            if self.beside_findings is None:
                raise ValueError("'when: category-silent' needs 'beside_findings'")
            if self.beside_findings < self.threshold:
                raise ValueError("'beside_findings' is below 'threshold'")
        elif self.beside_findings is not None:
            raise ValueError("'beside_findings' belongs to 'when: category-silent'")
        return self


Match = Annotated[
    TermsMatch
    | RegexMatch
    | NearMatch
    | RequiredMatch
    | SendTimeMatch
    | SignatureMatch
    | FrameMatch
    | PhraseMatch
    | AllMatch
    | AnyMatch
    | ModelMatch,
    Field(discriminator="kind"),
]

#: the ``kind`` of each model of ``Match`` (pydantic puts it in an error's location)
MATCH_KINDS: tuple[str, ...] = tuple(
    get_args(model.model_fields["kind"].annotation)[0] for model in get_args(get_args(Match)[0])
)


#: where an ``unless`` pattern must stand to switch a match off: in the match's clause
#: (between ，；。！？ or 但/不过/否则), in its sentence (between 。！？ or a line break),
#: or anywhere in the message
Scope = Literal["clause", "sentence", "message"]


class UnlessPattern(Pattern):
    """An ``unless`` pattern and how far from the match it may stand (default: sentence).

    A complaints hotline, an anti-fraud slogan or a "we never …" promise in another
    sentence says nothing about this one: only ``scope: message`` patterns describe the
    whole message (a court's signature, an official contact channel, the recipient's role).
    """

    scope: Scope = "sentence"


class Exceptions(_Strict):
    #: drop a match with a negation cue (不会, 并未 …) just before it in the same clause
    negation: bool = True
    #: also drop a match hedged as possibility (可能, 有权, 保留 …)
    hedging: bool = False
    #: drop a match that is quoted as a word, not used: 如出现“老赖”等用语
    mention: bool = True
    #: keep a match that lies inside the 【signature】 (rules about the sender set this);
    #: otherwise the signature names the sender and its words are not message content
    in_signature: bool = False
    #: phrases that contain a match and make it harmless (上门服务 for 上门)
    allow: list[str] = Field(default_factory=list)
    #: a match is dropped when one of these stands in its clause / sentence (``scope``,
    #: default sentence), or anywhere in the message (``scope: message``)
    unless: list[UnlessPattern] = Field(default_factory=list)
    #: the rule fires only when the message also contains this somewhere; a condition on
    #: what the whole message is (about a debt, addressed to someone), never a switch-off
    requires: Pattern | None = None

    @field_validator("unless", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        """``unless: {pattern: …}`` is a list of one."""
        return [value] if isinstance(value, dict) else value


class AppliesTo(_Strict):
    recipients: list[Recipient] = Field(default_factory=lambda: list(Recipient))
    channels: list[Channel] = Field(default_factory=lambda: list(Channel))


class FixSpec(_Strict):
    description: Text2
    applicability: Applicability = Applicability.manual
    #: replaces the matched span; "" removes it; absent = advice only
    replacement: str | None = None
    #: per matched (prepared) text: its own replacement, before ``replacement``
    replacements: dict[str, str] = Field(default_factory=dict)
    #: what the replacement takes the place of: the matched words, the whole clause around
    #: them, or a term of address (see :mod:`linter.core.fixes`)
    scope: Literal["match", "clause", "address"] = "match"

    @model_validator(mode="after")
    def _replacement_for_applied_fixes(self) -> FixSpec:
        has_text = self.replacement is not None or bool(self.replacements)
        if self.applicability != Applicability.manual and not has_text:
            raise ValueError("a safe or unsafe fix needs 'replacement' or 'replacements'")
        return self


class TriggerExample(_Strict):
    text: str
    #: the original text the violation must cover (its first occurrence in ``text``)
    span: str | None = None
    context: MessageContext = Field(default_factory=MessageContext)
    #: the whole message after this rule's fix is applied
    fixed: str | None = None
    #: a concept rule's finding here has these roles filled by these words (act: 派人,
    #: object: 你家) and these context attributes at these values (modality: imminent)
    expect: dict[str, Annotated[str, Field(min_length=1)]] | None = None

    @property
    def traditional(self) -> bool:
        """Is the text written in traditional characters?"""
        return is_traditional(self.text)  # only s2t is built (not s2tw, s2hk): start-up


class PassExample(_Strict):
    text: str
    context: MessageContext = Field(default_factory=MessageContext)


class Examples(_Strict):
    trigger: list[TriggerExample] = Field(min_length=1)
    # named "pass" in YAML; a Python keyword here
    passing: list[PassExample] = Field(min_length=1, alias="pass")


class RuleSpec(_Strict):
    id: str = Field(pattern=RULE_ID)
    name: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    category: Category
    severity: Severity
    message: Text2
    basis: list[str] = Field(min_length=1)
    match: Match
    exceptions: Exceptions = Field(default_factory=Exceptions)
    applies_to: AppliesTo = Field(default_factory=AppliesTo)
    fix: FixSpec
    examples: Examples
    #: trial: reported as info, never blocking, until it has been run over the dev sets and
    #: the ordinary-SMS corpus; active: at its severity
    status: Literal["active", "trial"] = "active"

    @model_validator(mode="after")
    def _model_at_most_warning(self) -> RuleSpec:
        """A model's score sends a message to review; it never blocks one alone. The error
        names the field at fault (``rules[3].severity``), not the rule."""
        match = self.match
        if not isinstance(match, ModelMatch):
            return self
        if self.severity == Severity.error:
            raise _field_error(
                ("severity",),
                self.severity.value,
                "a model rule's severity is at most 'warning' (a model can send a message to "
                "review, never block it alone); this one says 'error'",
            )
        if match.category != self.category:
            raise _field_error(
                ("match", "category"),
                match.category.value,
                f"a model rule reports the category it scores: {match.category.value!r} is "
                f"not the rule's category {self.category.value!r}",
            )
        return self

    @model_validator(mode="after")
    def _expectations_fit_roles(self) -> RuleSpec:
        """``expect:`` belongs to a rule whose findings report roles, and names roles its
        match gives (context attributes are checked against the context table when the
        engine is built)."""
        roles = roles_of(self.match)
        for n, example in enumerate(self.examples.trigger):
            if example.expect is None:
                continue
            loc = ("examples", "trigger", n, "expect")
            if not roles:
                raise _field_error(
                    loc,
                    example.expect,
                    f"a '{self.match.kind}' rule's findings have no roles to expect; "
                    "'expect:' belongs to frame rules (kind: frame, or all/any over frames)",
                )
            for key in example.expect:
                if key in ROLES and key not in roles:
                    raise _field_error(
                        (*loc, key),
                        key,
                        f"the rule's match gives no {key!r} role (it gives "
                        + ", ".join(r for r in ROLES if r in roles)
                        + ")",
                    )
        return self

    @model_validator(mode="after")
    def _fixed_examples(self, info: ValidationInfo) -> RuleSpec:
        """A rule that rewrites text shows the whole fixed message, in both scripts."""
        fix = self.fix
        if (fix.replacement is None and not fix.replacements) or _shipped(info):
            return self
        fixed = [ex for ex in self.examples.trigger if ex.fixed is not None]
        if not fixed:
            raise ValueError(
                f"{self.id}: its fix has a replacement, so a trigger example needs 'fixed:' "
                "(the whole message after the fix)"
            )
        if not any(ex.traditional for ex in fixed):
            raise ValueError(
                f"{self.id}: its fix has a replacement, so a trigger example in traditional "
                "characters needs 'fixed:'"
            )
        return self


def _field_error(loc: tuple[str | int, ...], value: object, reason: str) -> ValidationError:
    """A validation error at ``loc`` inside the model being validated (pydantic prefixes the
    model's own location), so the pack loader names that field and its line."""
    error = InitErrorDetails(
        type=PydanticCustomError("rule", "{reason}", {"reason": reason}), loc=loc, input=value
    )
    return ValidationError.from_exception_data("RuleSpec", [error])


class PackInfo(_Strict):
    name: str = Field(pattern=r"^[a-z0-9_]+$")
    language: str = "zh-CN"
    description: str = ""


class PackSpec(_Strict):
    pack: PackInfo
    user_words: list[str] = Field(default_factory=list)
    term_sets: dict[str, list[str]] = Field(default_factory=dict)
    #: homophone spellings used to dodge filters (法阮 → 法院), read as what they stand for;
    #: each variant has the length of its word, so spans still map one to one
    variants: dict[str, str] = Field(default_factory=dict)
    rules: list[RuleSpec] = Field(min_length=1)
    #: Latin spellings collectors use for a word (TXL: 通讯录, V信: 微信), read as that word
    #: where they stand next to Chinese (see :mod:`linter.core.pinyin`)
    abbreviations: dict[str, str] = Field(default_factory=dict)

    @field_validator("abbreviations")
    @classmethod
    def _abbreviation_shape(cls, abbreviations: dict[str, str]) -> dict[str, str]:
        for key, word in abbreviations.items():
            if not ABBREVIATION_KEY.fullmatch(key.lower()):
                raise ValueError(
                    f"abbreviation {key!r}: Latin letters, with Chinese characters on either side"
                )
            if not HAN_WORD.fullmatch(word):
                raise ValueError(f"abbreviation {key!r} → {word!r}: the word is Chinese characters")
        return abbreviations

    @field_validator("variants")
    @classmethod
    def _same_length(cls, variants: dict[str, str]) -> dict[str, str]:
        for variant, word in variants.items():
            if len(variant) != len(word) or len(variant) < 2:
                raise ValueError(f"variant {variant!r} → {word!r}: both need the same length, ≥ 2")
        return variants

    def term_set_references(self) -> list[tuple[tuple[str | int, ...], str]]:
        """(location, name) of every '@name' reference to a term set, for checking."""
        refs: list[tuple[tuple[str | int, ...], str]] = []

        def walk(value: object, loc: tuple[str | int, ...]) -> None:
            if isinstance(value, BaseModel):
                for name in type(value).model_fields:
                    walk(getattr(value, name), (*loc, name))
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, str) and item.startswith("@"):
                        refs.append((loc, item[1:]))
                    else:
                        walk(item, (*loc, i))

        for i, rule in enumerate(self.rules):
            walk(rule.match, ("rules", i, "match"))
            walk(rule.exceptions, ("rules", i, "exceptions"))
        return refs

    @field_validator("rules")
    @classmethod
    def _unique_ids(cls, rules: list[RuleSpec]) -> list[RuleSpec]:
        seen: set[str] = set()
        for rule in rules:
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id} appears twice")
            seen.add(rule.id)
        return rules


@dataclass(frozen=True)
class LoadedPack:
    """A pack as read: its validated spec, the path it was read from, and its bytes' hash."""

    spec: PackSpec
    path: str
    sha256: str
    #: one of msglint's own packs: CI makes the checks start-up skips (anchors vs examples)
    shipped: bool = False
