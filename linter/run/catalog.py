"""Rule descriptions for renderers that carry them (SARIF), from the engine's selected rules."""

from __future__ import annotations

from ..core.engine import Engine
from ..formats.report import RuleMeta
from .suppressions import SUPPRESSION_RULES


def rule_catalog(engine: Engine) -> list[RuleMeta]:
    """Every rule this run can report: the selected pack rules, then the pseudo-rules."""
    out = []
    for rule in engine.rules:
        spec = rule.spec
        out.append(
            RuleMeta(
                id=spec.id,
                name=spec.name,
                category=spec.category.value,
                severity=rule.severity,
                message_zh=spec.message.zh,
                message_en=spec.message.en,
                basis=list(spec.basis),
                fix_applicability=spec.fix.applicability.value,
                fix_zh=spec.fix.description.zh,
                fix_en=spec.fix.description.en,
                replacement=spec.fix.replacement,
                trigger_examples=[e.text for e in spec.examples.trigger],
                pass_examples=[e.text for e in spec.examples.passing],
            )
        )
    return [*out, *SUPPRESSION_RULES.values()]
