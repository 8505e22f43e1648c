"""Running the examples embedded in every rule (``msglint test-rules``).

A trigger example must raise its rule, on the span it names; its fix, where the rule has a
replacement, must survive verification against every loaded pack and give ``fixed``.
A trigger example's ``expect:`` names the roles (act, object …) and context attributes
(modality …) one of the rule's findings there must show. A pass example must not raise the
rule. Each rule is tested on its own matches, before matches of one category on the same
words are merged into one violation.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.edits import apply_fixes
from ..core.engine import Engine
from ..core.frame_spec import ROLES
from ..core.models import Applicability, Violation
from ..core.prepare import prepare


@dataclass(frozen=True)
class ExampleFailure:
    rule: str
    pack_path: str
    kind: str  # "trigger" | "pass"
    index: int
    text: str
    reason: str


def _with_every_rule(engine: Engine) -> Engine:
    """``engine``, or one like it that runs every loaded rule: a rule the config leaves out
    (``ignore``, a narrower ``select``) still has its examples tested."""
    if len(engine.rules) == len(engine.all_rules):  # the selected are a subset of all
        return engine
    options = engine.options.model_copy(update={"select": ["ALL"], "ignore": []})
    return Engine(engine.packs, options, engine.concepts)


def _span_of(text: str, words: str | None) -> tuple[int, int] | None:
    """Where ``words`` first stand in ``text`` (None: no span named)."""
    if words is None:
        return None
    start = text.find(words)
    return start, start + len(words)


def _shown(finding: Violation) -> dict[str, str]:
    """What a finding says of each role (its words, without the template after "←") and of
    each context attribute (its value, without the cue in brackets)."""
    roles = {k: v.split(" ← ", 1)[0] for k, v in (finding.roles or {}).items()}
    context = {k: v.split(" (", 1)[0] for k, v in (finding.context or {}).items()}
    return {**roles, **context}


def _unmet(expect: dict[str, str], findings: list[Violation]) -> str | None:
    """None when one of ``findings`` shows every expected role and attribute; otherwise what
    was expected and what each finding showed instead. Words are compared as the engine
    reads them (simplified script, normal width), as a finding's ``roles`` show them."""
    wanted = {k: prepare(v).text if k in ROLES else v for k, v in expect.items()}
    shown = [_shown(f) for f in findings]
    if any(all(s.get(k) == v for k, v in wanted.items()) for s in shown):
        return None
    expected = ", ".join(f"{k} = {v}" for k, v in expect.items())
    got = "; ".join(
        ", ".join(f"{k} = {s.get(k, '(none)')}" for k in expect) + f" (on {f.matched!r})"
        for f, s in zip(findings, shown, strict=True)
    )
    return f"expected {expected}; found {got}"


@dataclass(frozen=True)
class RuleTestReport:
    rules: int
    examples: int
    failures: list[ExampleFailure]


def run_rule_examples(engine: Engine, only_packs: set[str] | None = None) -> RuleTestReport:
    """Every example of every rule (of ``only_packs`` paths, if given), over all packs."""
    failures: list[ExampleFailure] = []
    n_rules = n_examples = 0
    engine = _with_every_rule(engine)
    for rule in engine.all_rules:
        if only_packs is not None and rule.pack_path not in only_packs:
            continue
        n_rules += 1
        spec = rule.spec
        rule_id = spec.id

        def fail(
            kind: str,
            i: int,
            text: str,
            reason: str,
            rule_id: str = rule_id,
            path: str = rule.pack_path,
        ) -> None:
            failures.append(ExampleFailure(rule_id, path, kind, i, text, reason))

        for i, ex in enumerate(spec.examples.trigger):
            n_examples += 1
            outcome = engine.lint(ex.text, ex.context, merge=False)
            found = [v for v in outcome.violations if v.rule == rule_id]
            if not found:
                others = sorted({v.rule for v in outcome.violations}) or ["nothing"]
                fail("trigger", i, ex.text, f"not raised (raised: {', '.join(others)})")
                continue
            if ex.span is not None:
                start = ex.text.find(ex.span)
                if start < 0:
                    fail("trigger", i, ex.text, f"span {ex.span!r} is not in the text")
                    continue
                spans = [(v.start, v.end) for v in found]
                if (start, start + len(ex.span)) not in spans:
                    got = ", ".join(repr(v.matched) for v in found)
                    fail("trigger", i, ex.text, f"expected span {ex.span!r}, got {got}")
                    continue
            if ex.expect is not None:
                span = _span_of(ex.text, ex.span)
                on_span = [v for v in found if span is None or (v.start, v.end) == span]
                unmet = _unmet(ex.expect, on_span or found)
                if unmet is not None:
                    fail("trigger", i, ex.text, unmet)
                    continue
            wants_replacement = spec.fix.applicability != Applicability.manual
            fixable = [v for v in found if v.fix and v.fix.replacement is not None]
            if wants_replacement and ex.fixed is not None and not fixable:
                fail("trigger", i, ex.text, "the fix's replacement does not pass the packs")
                continue
            if ex.fixed is not None:
                got = apply_fixes(ex.text, fixable[:1])
                if got != ex.fixed:
                    fail("trigger", i, ex.text, f"fixed text {got!r}, expected {ex.fixed!r}")
        for i, ex in enumerate(spec.examples.passing):
            n_examples += 1
            outcome = engine.lint(ex.text, ex.context, merge=False)
            hits = [v for v in outcome.violations if v.rule == rule_id]
            if hits:
                fail("pass", i, ex.text, f"raised on {hits[0].matched!r}")
    return RuleTestReport(rules=n_rules, examples=n_examples, failures=failures)
