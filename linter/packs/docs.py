"""Rules as documentation: the ``rules`` listing and ``explain`` for one rule."""

from __future__ import annotations

import difflib
import json
from typing import Any

from ..core.engine import CompiledRule, Engine
from ..core.plural import counted


def rule_summary(rule: CompiledRule, selected: bool = True) -> dict[str, Any]:
    spec = rule.spec
    return {
        "id": spec.id,
        "name": spec.name,
        "category": spec.category.value,
        "severity": rule.severity.value,
        "pack": rule.pack,
        "kind": spec.match.kind,
        "message": {"zh": spec.message.zh, "en": spec.message.en},
        "selected": selected,
    }


def rule_detail(rule: CompiledRule) -> dict[str, Any]:
    spec = rule.spec
    return {
        **rule_summary(rule),
        "basis": list(spec.basis),
        "applies_to": spec.applies_to.model_dump(mode="json"),
        "match": spec.match.model_dump(mode="json", exclude_defaults=True),
        "exceptions": spec.exceptions.model_dump(mode="json", exclude_defaults=True),
        "fix": spec.fix.model_dump(mode="json", exclude_defaults=True),
        "examples": spec.examples.model_dump(mode="json", by_alias=True, exclude_defaults=True),
    }


def find_rule(engine: Engine, key: str) -> CompiledRule | None:
    """The rule with this id (any case) or name."""
    wanted = key.strip().upper()
    return next((r for r in engine.all_rules if wanted in (r.spec.id, r.spec.name.upper())), None)


def close_rules(engine: Engine, key: str, n: int = 3) -> list[str]:
    """Ids and names of loaded rules that look like ``key`` (for "did you mean"): those it
    begins first (ZH-THR-01 → ZH-THR-010 …), then the closest by spelling."""
    by_folded = {c.upper(): c for r in engine.all_rules for c in (r.spec.id, r.spec.name)}
    wanted = key.strip().upper()
    begun = sorted(c for c in by_folded if c.startswith(wanted)) if wanted else []
    close = begun or difflib.get_close_matches(wanted, by_folded, n=n)
    return [by_folded[c] for c in close[:n]]


def rules_listing(engine: Engine, fmt: str) -> str:
    selected = {r.spec.id for r in engine.rules}
    rows = [rule_summary(r, r.spec.id in selected) for r in engine.all_rules]
    if fmt == "json":
        return json.dumps({"rules": rows, "packs_version": engine.version}, ensure_ascii=False)
    lang = "en" if engine.options.lang == "en" else "zh"
    lines = []
    for row in rows:
        mark = " " if row["selected"] else "-"
        lines.append(
            f"{mark} {row['id']:<11} {row['severity']:<7} {row['category']:<23} "
            f"{row['name']:<28} {row['message'][lang]}"
        )
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["category"]] = counts.get(row["category"], 0) + 1
    total = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    lines.append(f"{counted(len(rows), 'rule')} ({total}); '-' = not selected by the config")
    return "\n".join(lines)


def explain_rule(rule: CompiledRule, fmt: str, lang: str = "zh") -> str:
    """One rule in full; ``lang`` (zh or en) leads, the other language follows it."""
    detail = rule_detail(rule)
    if fmt == "json":
        return json.dumps(detail, ensure_ascii=False, indent=2)
    spec = rule.spec
    out = [
        f"{spec.id}  {spec.name}",
        f"  category: {spec.category.value}    severity: {rule.severity.value}"
        f"    pack: {rule.pack}    kind: {spec.match.kind}",
        *(f"  {t}" for t in _in_order(spec.message.zh, spec.message.en, lang)),
        "",
        "Legal basis:",
        *(f"  - {b}" for b in spec.basis),
        "",
        "Applies to: recipients "
        + ", ".join(r.value for r in spec.applies_to.recipients)
        + "; channels "
        + ", ".join(c.value for c in spec.applies_to.channels),
        "",
    ]
    first, second = _in_order(spec.fix.description.zh, spec.fix.description.en, lang)
    out += [f"Fix ({spec.fix.applicability.value}): {first}", f"  {second}"]
    if spec.fix.replacement is not None:
        out.append(f"  replacement: {spec.fix.replacement!r}")
    out += ["", "Raises on:"]
    for ex in spec.examples.trigger:
        span = f"   ← {ex.span}" if ex.span else ""
        out.append(f"  ✗ {ex.text}{span}")
        if ex.fixed:
            out.append(f"    → {ex.fixed}")
    out.append("Does not raise on:")
    out += [f"  ✓ {ex.text}" for ex in spec.examples.passing]
    return "\n".join(out)


def _in_order(zh: str, en: str, lang: str) -> tuple[str, str]:
    return (en, zh) if lang == "en" else (zh, en)
