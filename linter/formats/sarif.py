"""SARIF 2.1.0: rules with help and legal basis, results with fixes and stable fingerprints.

Columns are characters (``columnKind: unicodeCodePoints``), as everywhere in msglint, so a
CJK character is one column. File URIs are relative to ``%SRCROOT%``, the folder msglint ran
in (the repository root in CI).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..core.edits import fix_span
from ..core.engine_version import MSGLINT_VERSION
from ..core.merge_findings import also_line
from ..core.models import Severity, Violation
from .file_spans import file_region, file_span
from .fingerprints import fingerprint
from .report import MessageReport, Report, RuleMeta, SuppressedViolation, SuppressionProblem

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
ROOT_ID = "%SRCROOT%"
LEVELS = {Severity.error: "error", Severity.warning: "warning", Severity.info: "note"}
FINGERPRINT_KEY = "msglint/v1"


def artifact_location(source: str) -> dict[str, Any]:
    path = Path(source)
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            return {"uri": path.as_uri()}
    return {"uri": quote(Path(os.path.normpath(path)).as_posix()), "uriBaseId": ROOT_ID}


def _help(r: RuleMeta) -> dict[str, str]:
    text = [r.message_zh, r.message_en, ""]
    md = [f"**{r.message_zh}**  ", r.message_en, ""]
    if r.basis:
        text += ["法律依据 Legal basis:", *(f"- {b}" for b in r.basis), ""]
        md += ["**法律依据 Legal basis**", "", *(f"- {b}" for b in r.basis), ""]
    if r.fix_zh:
        text += [f"修改建议 Fix ({r.fix_applicability}): {r.fix_zh}", f"  {r.fix_en}"]
        md += [f"**修改建议 Fix** ({r.fix_applicability}): {r.fix_zh}  ", r.fix_en, ""]
        if r.replacement is not None:
            text.append(f"  替换为 replacement: {r.replacement!r}")
            md += [f"替换为 Replacement: `{r.replacement}`", ""]
        text.append("")
    if r.trigger_examples:
        text += ["触发 Raises on:", *(f"  ✗ {e}" for e in r.trigger_examples)]
        md += ["**触发 Raises on**", "", *(f"- ✗ {e}" for e in r.trigger_examples), ""]
    if r.pass_examples:
        text += ["不触发 Does not raise on:", *(f"  ✓ {e}" for e in r.pass_examples)]
        md += ["**不触发 Does not raise on**", "", *(f"- ✓ {e}" for e in r.pass_examples)]
    return {"text": "\n".join(text).strip(), "markdown": "\n".join(md).strip()}


def rule_descriptor(r: RuleMeta) -> dict[str, Any]:
    return {
        "id": r.id,
        "name": r.name,
        "shortDescription": {"text": f"{r.message_zh} / {r.message_en}"},
        "fullDescription": {"text": "\n".join([r.message_zh, r.message_en, *r.basis])},
        "help": _help(r),
        "defaultConfiguration": {"level": LEVELS[r.severity]},
        "properties": {
            "category": r.category,
            "severity": r.severity.value,
            "tags": ["compliance", r.category],
            "basis": r.basis,
            "fix": {"applicability": r.fix_applicability, "zh": r.fix_zh, "en": r.fix_en},
        },
    }


def _region(m: MessageReport, v: Violation) -> dict[str, Any] | None:
    if v.line is None or v.column is None:
        return None
    region: dict[str, Any] = {"startLine": v.line, "startColumn": v.column}
    msg = m.source_message
    found = file_region(msg, v.start, v.end) if msg is not None else None
    if msg is not None and msg.file is not None and found is not None:
        region["startLine"], region["startColumn"] = msg.file.position(found[0])
        region["endLine"], region["endColumn"] = msg.file.position(found[1])
    return region


def _fixes(m: MessageReport, v: Violation, location: dict[str, Any]) -> list[dict[str, Any]]:
    fix, msg = v.fix, m.source_message
    if fix is None or fix.replacement is None or msg is None or msg.file is None:
        return []
    span = file_span(msg, *fix_span(v))
    if span is None:
        return []  # not verbatim in the file: there are no bytes to say "replace these"
    (sl, sc), (el, ec) = msg.file.position(span[0]), msg.file.position(span[1])
    deleted = {"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec}
    return [
        {
            "description": {"text": fix.description},
            "artifactChanges": [
                {
                    "artifactLocation": location,
                    "replacements": [
                        {"deletedRegion": deleted, "insertedContent": {"text": fix.replacement}}
                    ],
                }
            ],
            "properties": {"applicability": fix.applicability.value},
        }
    ]


class _Run:
    def __init__(self, report: Report) -> None:
        self.rules: list[dict[str, Any]] = []
        self.index: dict[str, int] = {}
        for r in report.rules:
            self._add_rule(r)

    def _add_rule(self, r: RuleMeta) -> int:
        if r.id not in self.index:
            self.index[r.id] = len(self.rules)
            self.rules.append(rule_descriptor(r))
        return self.index[r.id]

    def rule_index(self, rule: str, severity: Severity, message: str, category: str) -> int:
        if rule in self.index:
            return self.index[rule]
        meta = RuleMeta(
            id=rule,
            name=rule.lower(),
            category=category,
            severity=severity,
            message_zh=message,
            message_en=message,
        )
        return self._add_rule(meta)

    def result(self, m: MessageReport, v: Violation) -> dict[str, Any]:
        text = f"{v.message} — {m.id}" + (f": 「{v.matched}」" if v.matched else "")
        if also := also_line(v):
            text += f" ({also})"
        result: dict[str, Any] = {
            "ruleId": v.rule,
            "ruleIndex": self.rule_index(v.rule, v.severity, v.message, v.category.value),
            "level": LEVELS[v.severity],
            "message": {"text": text},
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint(m.id, v.rule, v.matched)},
            "properties": {"messageId": m.id, "category": v.category.value, "rules": v.rules},
        }
        if m.source:
            location = artifact_location(m.source)
            physical: dict[str, Any] = {"artifactLocation": location}
            if region := _region(m, v):
                physical["region"] = region
            result["locations"] = [{"physicalLocation": physical}]
            if fixes := _fixes(m, v, location):
                result["fixes"] = fixes
        if isinstance(v, SuppressedViolation):
            result["suppressions"] = [{"kind": "inSource", "justification": v.reason}]
        return result

    def directive_result(self, p: SuppressionProblem) -> dict[str, Any]:
        region = {"startLine": p.line, "startColumn": p.column}
        return {
            "ruleId": p.rule,
            "ruleIndex": self.rule_index(p.rule, p.severity, p.message, "suppression"),
            "level": LEVELS[p.severity],
            "message": {"text": p.message},
            "partialFingerprints": {
                FINGERPRINT_KEY: fingerprint(p.message_id or f"line {p.line}", p.rule, p.message)
            },
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": artifact_location(p.source),
                        "region": region,
                    }
                }
            ],
        }


def render_sarif(report: Report) -> str:
    run = _Run(report)
    results = [run.result(m, v) for m in report.messages for v in (*m.violations, *m.suppressed)]
    results += [run.directive_result(p) for p in report.suppression_problems]
    notifications = []
    for p in report.problems:
        note: dict[str, Any] = {
            "level": "error" if p.level == "error" else "warning",
            "message": {"text": p.message},
        }
        if p.source != "<stdin>":
            physical: dict[str, Any] = {"artifactLocation": artifact_location(p.source)}
            if p.line:
                physical["region"] = {"startLine": p.line}
            note["locations"] = [{"physicalLocation": physical}]
        notifications.append(note)
    doc = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "msglint",
                        "version": MSGLINT_VERSION,
                        "semanticVersion": MSGLINT_VERSION,
                        "rules": run.rules,
                        "properties": {"packsVersion": report.packs_version},
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": not any(p.level == "error" for p in report.problems),
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "originalUriBaseIds": {ROOT_ID: {"uri": Path.cwd().as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)
