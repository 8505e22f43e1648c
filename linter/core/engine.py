"""The engine: compiled packs run over one prepared message → violations and a decision."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import regex

from .analysis import Analysis, Span, TermIndex, VariantSpeller, analyse
from .concepts import ConceptLibrary, TemplateError, check_concept_examples
from .cues import (
    HEDGE_CUES,
    NEGATION_CUES,
    allowed_by_phrase,
    cue_before,
    cue_inside,
    overlaps_any,
    quoted_mention,
    scope_region,
)
from .edits import applicable, apply_fixes, fix_span
from .engine_version import engine_version
from .errors import PackError
from .fix_check import Reach, Region, still_wrong
from .fixes import build_fix
from .frame_spec import ROLES
from .frames import CONCEPT_MATCHERS, ConceptSetup
from .matchers import MATCHER_BY_KIND, Matcher, PackRegex, PatternFinder, normalise_term
from .merge_findings import merge_findings
from .models import (
    CONTENT_CATEGORIES,
    Applicability,
    Category,
    Decision,
    Fix,
    MessageContext,
    Severity,
    Violation,
    decide,
)
from .options import EngineOptions
from .pinyin import LatinReader
from .prepare import prepare
from .rule_spec import LoadedPack, PassExample, RuleSpec, Scope, TriggerExample
from .selection import selector_matches
from .text_model import ModelLoadError
from .tokens import Tokenizer


@dataclass(frozen=True)
class ScopedFinder:
    """An ``unless`` pattern and how near the match it must stand (see UnlessPattern)."""

    finder: PatternFinder
    scope: Scope


@dataclass
class CompiledRule:
    spec: RuleSpec
    pack: str
    pack_path: str
    severity: Severity
    matcher: Matcher
    allow: list[str]
    unless: list[ScopedFinder]
    requires: PatternFinder | None
    #: strings one of which must be among a message's term hits for this rule to find
    #: anything (None: the rule always runs, e.g. a signature or an absence check)
    triggers: frozenset[str] | None = None
    _reach: Reach | None = None

    @property
    def reach(self) -> Reach:
        """Where this rule's spans can lie (for checking a fix without running every rule);
        worked out on first use, as it may need a regex's width."""
        if self._reach is None:
            self._reach = self.matcher.reach()
        return self._reach

    def applies(self, context: MessageContext) -> bool:
        """Is this rule for messages to this recipient on this channel?"""
        to = self.spec.applies_to
        return context.recipient in to.recipients and context.channel in to.channels

    def spans_where_applied(self, analysis: Analysis) -> list[Span]:
        """The spans this rule finds in a message it :meth:`applies` to."""
        spans = self.matcher.find(analysis)
        if not spans:
            return []
        if self.requires is not None and not self.requires.find(analysis):
            return []
        text = analysis.text
        # unless-spans by scope; a message-wide one switches the rule off here
        near: list[tuple[Scope, list[Span]]] = []
        for u in self.unless:
            found = u.finder.find(analysis)
            if found and u.scope == "message":
                analysis.cleared.extend(spans)
                return []
            if found:
                near.append((u.scope, found))
        if self.matcher.outermost_only:
            spans = _outermost(spans)
        exc = self.spec.exceptions
        # a concept kind's context table decides negation, hedging and quotation itself
        cue_checks = not self.matcher.decides_context
        cues_inside = self.matcher.cues_inside

        def cued(span: Span, cues: tuple[str, ...]) -> bool:
            return cue_before(text, span, cues) or (cues_inside and cue_inside(text, span, cues))

        def let_go(span: Span) -> bool:
            """Words found and then let go for what surrounds them."""
            return (
                (cue_checks and exc.negation and cued(span, NEGATION_CUES))
                or (cue_checks and exc.hedging and cued(span, HEDGE_CUES))
                or bool(self.allow and allowed_by_phrase(text, span, self.allow))
                or (cue_checks and exc.mention and quoted_mention(text, span))
            )

        kept = []
        for span in spans:
            if any(overlaps_any(scope_region(text, span, sc), found) for sc, found in near):
                analysis.cleared.append(span)
                continue
            if span[0] == span[1]:
                kept.append(span)  # an absence or a send time: nothing to negate
                continue
            if let_go(span):
                analysis.cleared.append(span)
                continue
            if (
                not exc.in_signature
                and not self.matcher.sees_signature
                and _inside(span, analysis.signature_spans)
            ):
                continue
            kept.append(span)
        return kept


def _says_something(v: Violation) -> bool:
    """A finding that makes a second opinion unneeded: what the message says, counted."""
    return v.category in CONTENT_CATEGORIES and v.severity.rank >= Severity.warning.rank


def _inside(span: Span, outer: list[Span]) -> bool:
    return any(o[0] <= span[0] and span[1] <= o[1] for o in outer)


def _outermost(spans: list[Span]) -> list[Span]:
    """Of overlapping spans of one rule keep the longest (找人收拾你 over 找人收拾)."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if not any(span[0] < k[1] and k[0] < span[1] for k in kept):
            kept.append(span)
    return sorted(kept)


@dataclass(frozen=True)
class _TermExpander:
    """Expands '@name' term-set references; carries the concepts for the concept kinds."""

    term_sets: dict[str, list[str]]
    concepts: ConceptSetup | None = None

    def __call__(self, terms: list[str]) -> list[str]:
        out: list[str] = []
        for term in terms:
            if concept := self._names_concept(term):
                raise TemplateError(
                    f"{term!r}: {{{concept}}} is not read as a concept here but as a template "
                    "placeholder (any {…} slot of a template would match it): allow, unless, "
                    "requires and the terms kind take plain phrases and @term sets; write "
                    "concepts into a concept rule's match (not-inside:)",
                    needle=term,
                )
            if term.startswith("@"):
                name = term[1:]
                if name not in self.term_sets:
                    raise KeyError(f"unknown term set {term!r}")
                out.extend(self.term_sets[name])
            else:
                out.append(term)
        return out

    def _names_concept(self, term: str) -> str | None:
        """The concept a ``{name}`` in a plain term names, if any: prepare reads it as a
        placeholder slot, which is never what a rule's author meant by a concept's name."""
        if self.concepts is None or "{" not in term:
            return None
        library = self.concepts.library
        return next((n for n in _BRACED.findall(term) if n in library), None)


#: a ``{name}`` in a plain term (prepare reads it as a template placeholder)
_BRACED = regex.compile(r"\{([^{}\s]+)\}")

#: every kind of ``match:`` → its matcher
_MATCHERS = {**MATCHER_BY_KIND, **CONCEPT_MATCHERS}


def compile_rule(
    spec: RuleSpec,
    pack: LoadedPack,
    options: EngineOptions,
    concepts: ConceptSetup | None = None,
) -> CompiledRule:
    expand = _TermExpander(pack.spec.term_sets, concepts)
    try:
        matcher = _MATCHERS[spec.match.kind](spec.match, expand).configured(options)
    except TemplateError as exc:
        where = ("rules", _rule_index(spec, pack), "match")
        raise PackError(
            pack.path, None, f"{spec.id}.match", str(exc), loc=where, needle=exc.needle
        ) from None
    if concepts is not None:
        _check_expectations(spec, pack, concepts)
    exc = spec.exceptions
    # a trial rule is reported as info, never blocking, whatever the options say
    severity = (
        Severity.info if spec.status == "trial" else options.severity.get(spec.id, spec.severity)
    )
    cap = matcher.max_severity
    if cap is not None and severity.rank > cap.rank:
        severity = cap  # a config asking more is refused where it is read (run/config.py)
    try:
        allow = [normalise_term(a) for a in expand(exc.allow)]
        unless = [ScopedFinder(PatternFinder(u, expand), u.scope) for u in exc.unless]
        requires = PatternFinder(exc.requires, expand) if exc.requires else None
    except TemplateError as err:
        where = ("rules", _rule_index(spec, pack), "exceptions")
        raise PackError(
            pack.path, None, f"{spec.id}.exceptions", str(err), loc=where, needle=err.needle
        ) from None
    return CompiledRule(
        spec=spec,
        pack=pack.spec.pack.name,
        pack_path=pack.path,
        severity=severity,
        matcher=matcher,
        allow=allow,
        unless=unless,
        requires=requires,
    )


def _rule_index(spec: RuleSpec, pack: LoadedPack) -> int:
    """Where ``spec`` stands in its pack's ``rules`` (for an error's line)."""
    return next(i for i, r in enumerate(pack.spec.rules) if r is spec)


def _check_expectations(spec: RuleSpec, pack: LoadedPack, concepts: ConceptSetup) -> None:
    """Each context attribute a trigger example's ``expect:`` names is one of the context
    table's, with one of its values (the roles were checked with the pack's format)."""
    attributes = concepts.table.attributes
    for n, example in enumerate(spec.examples.trigger):
        for key, value in (example.expect or {}).items():
            if key in ROLES:
                continue
            if key not in attributes:
                reason = f"{key!r} is neither a role ({', '.join(ROLES)}) nor a context " + (
                    f"attribute ({', '.join(attributes)})"
                )
            elif value not in attributes[key]:
                reason = f"{key}: {value!r} is not one of {', '.join(attributes[key])}"
            else:
                continue
            where = ("rules", _rule_index(spec, pack), "examples", "trigger", n, "expect", key)
            field = f"{spec.id}.examples.trigger[{n}].expect"
            raise PackError(pack.path, None, field, reason, loc=where)


def _exception_finders(rule: CompiledRule) -> Iterable[PatternFinder]:
    """The rule's ``unless`` and ``requires`` patterns."""
    yield from (u.finder for u in rule.unless)
    if rule.requires is not None:
        yield rule.requires


def _finders(rule: CompiledRule) -> Iterable[PatternFinder]:
    yield from rule.matcher.finders()
    yield from _exception_finders(rule)


def _pack_regexes(rule: CompiledRule) -> Iterable[PackRegex]:
    yield from rule.matcher.regexes()
    yield from (f.regex for f in _exception_finders(rule) if f.regex is not None)


def _examples(rule: CompiledRule) -> Iterable[TriggerExample | PassExample]:
    yield from rule.spec.examples.trigger
    yield from rule.spec.examples.passing


def _check_anchors(rule: CompiledRule, speller: VariantSpeller) -> None:
    """A rule whose regexes declare anchors is checked against its trigger examples: each
    must hold, once prepared, one of the rule's triggers (its terms or anchors) and one of
    its ``requires`` pattern's, or the prefilter would skip the rule on its own example.
    A :class:`PackError` names file, rule and example."""
    if not any(rx.anchors for rx in _pack_regexes(rule)):
        return
    needed = [rule.triggers]
    if rule.requires is not None and rule.requires.regex is not None:
        needed.append(rule.requires.triggers())
    for n, example in enumerate(rule.spec.examples.trigger, start=1):
        text = speller(prepare(example.text)).text
        for strings in needed:
            if strings is not None and not any(s in text for s in strings):
                shown = sorted(strings)
                listed = ", ".join(shown[:12]) + (" …" if len(shown) > 12 else "")
                raise PackError(
                    rule.pack_path,
                    None,
                    f"{rule.spec.id}: anchors",
                    f"trigger example {n} ({example.text!r}) holds none of [{listed}]: "
                    "declare an anchor that every match contains",
                )


@dataclass(frozen=True)
class _TriggerIndex:
    """The selected rules by what triggers them, for every context (built with the engine,
    and so kept with it in the cache: a message's first lint does not index them)."""

    rules: list[CompiledRule]
    #: positions in ``rules`` of the rules that always run (no trigger known)
    always: frozenset[int]
    #: trigger string → positions in ``rules`` of the rules it may make find something
    by_trigger: dict[str, tuple[int, ...]]

    @classmethod
    def build(cls, rules: list[CompiledRule]) -> _TriggerIndex:
        index: dict[str, list[int]] = {}
        for i, rule in enumerate(rules):
            for trigger in rule.triggers or ():
                index.setdefault(trigger, []).append(i)
        return cls(
            rules=rules,
            always=frozenset(i for i, r in enumerate(rules) if r.triggers is None),
            by_trigger={t: tuple(ids) for t, ids in index.items()},
        )


@dataclass(frozen=True)
class _RulePlan:
    """The rules that apply to one (recipient, channel), found by what triggers them."""

    index: _TriggerIndex
    #: positions in the index's rules of the rules that apply here
    applies: frozenset[int]

    @classmethod
    def build(cls, index: _TriggerIndex, context: MessageContext) -> _RulePlan:
        return cls(index, frozenset(i for i, r in enumerate(index.rules) if r.applies(context)))

    def triggered(self, hits: Iterable[str]) -> list[CompiledRule]:
        """The rules to run on a message with these term hits, in the packs' order."""
        index = self.index
        chosen = set(index.always)
        by_trigger = index.by_trigger
        for term in hits:
            ids = by_trigger.get(term)
            if ids is not None:
                chosen.update(ids)
        chosen &= self.applies
        rules = index.rules
        return [rules[i] for i in sorted(chosen)]


@dataclass(frozen=True)
class LintOutcome:
    violations: list[Violation]
    decision: Decision
    fixed_text: str


class Engine:
    """Loaded packs, compiled once, shared by every message (and every request)."""

    def __init__(
        self,
        packs: list[LoadedPack],
        options: EngineOptions | None = None,
        concepts: ConceptLibrary | None = None,
    ) -> None:
        self.options = options or EngineOptions()
        self.packs = packs
        #: the concepts shared by all packs (``concepts/*.yaml`` beside them)
        self.concepts = concepts or ConceptLibrary()
        setup = ConceptSetup(self.concepts)
        self.all_rules: list[CompiledRule] = []
        for pack in packs:
            for spec in pack.spec.rules:
                self.all_rules.append(compile_rule(spec, pack, self.options, setup))
        self._by_id: dict[str, CompiledRule] = {}
        for rule in self.all_rules:
            if (other := self._by_id.setdefault(rule.spec.id, rule)) is not rule:
                reason = f"{rule.spec.id} is also in {other.pack_path}"
                raise PackError(rule.pack_path, None, "rules.id", reason)
        self.rules = [r for r in self.all_rules if self._selected(r.spec)]
        #: per (recipient, channel): the rules that apply (built on use)
        self._plans: dict[tuple[str, str], _RulePlan] = {}
        terms: set[str] = set()
        for rule in self.all_rules:
            for finder in _finders(rule):
                terms.update(finder.terms)
            # a regex's anchors are declared in its pack (never derived from the pattern here)
            for rx in _pack_regexes(rule):
                terms.update(rx.anchors or ())
        for rule in self.all_rules:
            rule.triggers = rule.matcher.triggers()
        self._triggers = _TriggerIndex.build(self.rules)
        self.index = TermIndex(terms)
        variants = {
            normalise_term(k): normalise_term(v) for p in packs for k, v in p.spec.variants.items()
        }
        user_words = [normalise_term(w) for p in packs for w in p.spec.user_words]
        abbreviations = {
            normalise_term(k): normalise_term(v)
            for p in packs
            for k, v in p.spec.abbreviations.items()
        }
        self.tokenizer = Tokenizer(user_words)
        # Latin inside Chinese is read only as a word the packs themselves know
        vocabulary = [*terms, *user_words, *variants.values(), *abbreviations.values()]
        latin = LatinReader(vocabulary, abbreviations, self.tokenizer.frequency)
        self.speller = VariantSpeller(variants, latin)
        # msglint's own packs are checked in CI (tests/test_startup.py): reading their
        # examples here would import pypinyin for every start
        trusted = {p.path for p in packs if p.shipped}
        for rule in self.all_rules:
            if rule.pack_path not in trusted:
                _check_anchors(rule, self.speller)
        # a concept word jieba cuts apart would never match: fail now, naming it
        check_concept_examples(self.concepts, self.tokenizer)
        #: changes with anything that can change a decision (see :mod:`linter.core.engine_version`)
        self.version = engine_version(
            [*(p.sha256 for p in packs), *self.concepts.hashes],
            user_words,
            self.options.model_dump(mode="json"),
            models=self._model_versions(),
        )

    def _model_versions(self) -> list[str]:
        """The learned models the selected rules score with (only a selected rule can change
        a decision); reading them here makes missing weights a load error, not a lint one."""
        out: list[str] = []
        for rule in self.rules:
            try:
                out.extend(rule.matcher.versions())
            except ModelLoadError as exc:
                raise PackError(rule.pack_path, None, f"{rule.spec.id}.match", str(exc)) from None
        return out

    def warm(self) -> None:
        """Compile every pack regex and load all of jieba's dictionary now (a server's
        start-up, ``test-rules``), not on first use; a pattern that does not compile is a
        :class:`PackError`."""
        self.tokenizer.load_all()
        for rule in self.all_rules:
            for rx in _pack_regexes(rule):
                try:
                    _ = rx.compiled
                except regex.error as exc:
                    reason = f"not a valid regex: {exc}"
                    raise PackError(
                        rule.pack_path, None, f"{rule.spec.id}: pattern", reason
                    ) from None

    def _selected(self, rule: RuleSpec) -> bool:
        opts = self.options
        chosen = any(selector_matches(s, rule) for s in opts.select)
        return chosen and not any(selector_matches(s, rule) for s in opts.ignore)

    def rule(self, rule_id: str) -> CompiledRule | None:
        return self._by_id.get(rule_id)

    def _plan(self, context: MessageContext) -> _RulePlan:
        key = (context.recipient, context.channel)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = _RulePlan.build(self._triggers, context)
        return plan

    def _with_defaults(self, context: MessageContext) -> MessageContext:
        update: dict[str, object] = {}
        if not context.organization and self.options.organization:
            update["organization"] = list(self.options.organization)
        if context.gateway_signature is None and self.options.gateway_signature:
            update["gateway_signature"] = self.options.gateway_signature
        return context.model_copy(update=update) if update else context

    def find(self, text: str, context: MessageContext) -> list[Violation]:
        """Each rule's violations in ``text`` (spans on the original text), fixes not yet
        verified and matches not yet merged (:meth:`lint` does both)."""
        return self._find(text, context, {})

    def _find(
        self, text: str, context: MessageContext, segments: dict[str, list[str]]
    ) -> list[Violation]:
        """:meth:`find`, sharing segmented jieba blocks in ``segments``."""
        context = self._with_defaults(context)
        analysis = analyse(text, context, self.tokenizer, self.index, self.speller, segments)
        out: list[Violation] = []
        # only the rules that apply here and that something in the message may trigger
        second_opinions: list[CompiledRule] = []
        #: the content categories whose rules read words here and let them go (negated,
        #: quoted, warned about)
        weighed: set[Category] = set()
        for rule in self._plan(context).triggered(analysis.term_hits):
            if rule.matcher.second_opinion_only:
                second_opinions.append(rule)
                continue
            before = len(analysis.cleared)
            out.extend(self._violations(rule, analysis, text, context))
            if rule.spec.category in CONTENT_CATEGORIES and len(analysis.cleared) > before:
                weighed.add(rule.spec.category)
        # a second opinion is asked as far as the rules leave room: not where they found
        # what the message says or weighed words of it and let them go (a model reads no
        # negation or quotation), or only at a higher score (ModelMatcher.second_opinion_score)
        if second_opinions:
            said = frozenset(v.category for v in out if _says_something(v))
            cleared = frozenset(weighed)
            for rule in second_opinions:
                needed = rule.matcher.second_opinion_score(said, cleared)
                if needed is not None:
                    out.extend(
                        v
                        for v in self._violations(rule, analysis, text, context)
                        if v.score is None or v.score >= needed
                    )
        out.sort(key=lambda v: (v.start, v.end, v.rule))
        return out

    def _violations(
        self, rule: CompiledRule, analysis: Analysis, text: str, context: MessageContext
    ) -> Iterator[Violation]:
        """One rule's violations in an analysed message (spans on the original text)."""
        prepared = analysis.prepared
        lang = self.options.lang
        spec = rule.spec
        for span in rule.spans_where_applied(analysis):
            start, end = prepared.to_original(*span)
            evidence = rule.matcher.evidence(analysis, span)
            source, score = rule.matcher.model_evidence(analysis, span) or (None, None)
            yield Violation(
                rule=spec.id,
                category=spec.category,
                severity=rule.severity,
                message=spec.message.zh if lang == "zh" else spec.message.en,
                basis=list(spec.basis),
                start=start,
                end=end,
                matched=text[start:end],
                evidence=source,
                score=score,
                fix=build_fix(
                    spec.fix,
                    prepared.text[span[0] : span[1]],
                    context,
                    lang,
                    text,
                    (start, end),
                ),
                roles=evidence.roles if evidence is not None else None,
                context=evidence.context if evidence is not None else None,
            )

    def lint(
        self, text: str, context: MessageContext | None = None, *, merge: bool = True
    ) -> LintOutcome:
        """Violations with verified fixes, the decision, and the text with safe fixes applied.

        Matches of one category on the same words are merged into one violation
        (:mod:`linter.core.merge_findings`); ``merge=False`` gives each rule's own violations
        (a rule's examples test the rule on its own).
        """
        # once here, not again for each fix checked
        context = self._with_defaults(context or MessageContext())
        # the fixed texts share all but a block or two with the text: segment those once
        segments: dict[str, list[str]] = {}
        found = self._find(text, context, segments)
        violations = [self._verified(v, text, context, segments) for v in found]
        if merge:
            violations = merge_findings(violations, text)
        safe = applicable(violations, {Applicability.safe})
        return LintOutcome(
            violations=violations,
            decision=decide(violations),
            fixed_text=apply_fixes(text, safe) if safe else text,
        )

    def _verified(
        self,
        v: Violation,
        text: str,
        context: MessageContext,
        segments: dict[str, list[str]] | None = None,
    ) -> Violation:
        """Keep a replacement only if the text it gives raises nothing where it was put."""
        if v.fix is None or v.fix.replacement is None:
            return v
        replacement = v.fix.replacement
        start, end = fix_span(v)
        fixed = text[:start] + replacement + text[end:]
        hi = start + len(replacement)
        if self._wrong_after_fix(fixed, context, v.rule, start, hi, segments):
            return v.model_copy(
                update={
                    "fix": Fix(
                        description=v.fix.description,
                        replacement=None,
                        applicability=Applicability.manual,
                    )
                }
            )
        return v

    def _wrong_after_fix(
        self,
        fixed: str,
        context: MessageContext,
        rule_id: str,
        lo: int,
        hi: int,
        segments: dict[str, list[str]] | None = None,
    ) -> bool:
        """Would :meth:`find` on ``fixed`` give a violation in ``[lo, hi)`` of it (see
        :func:`linter.core.fix_check.still_wrong`)?

        The same answer as running :meth:`find`, for less: only the rules that can find a
        span touching ``[lo, hi]`` run (see :mod:`linter.core.fix_check`), spans are checked
        without building violations, and the first span still wrong ends the check. Both
        shortcuts leave rules unrun that a full find would run; the one thing that could
        tell is a regex timing out (:class:`~linter.core.errors.RuleTimeout`). That depends
        on the clock, not the text, and such a rule has already run on the text before
        the fix (the same but for ``[lo, hi)``, which it cannot reach) when ``find``
        found the violation being checked.
        """
        context = self._with_defaults(context)
        analysis = analyse(fixed, context, self.tokenizer, self.index, self.speller, segments)
        prepared = analysis.prepared
        hits = analysis.term_hits
        region = Region.of(prepared, lo, hi, rule_id)
        for rule in self._plan(context).triggered(hits):
            rid = rule.spec.id
            if not rule.matcher.judges_fixes or not region.may_find(rid, rule.reach, hits):
                continue
            for span in rule.spans_where_applied(analysis):
                start, end = prepared.to_original(*span)
                if still_wrong(rid, start, end, rule_id, lo, hi):
                    return True
        return False
