"""JUnit XML: a test suite per file, a test case per message (``classname`` = the file,
``name`` = the message's key path), failing when it has a violation at or above --fail-on.

Violations below --fail-on go to the case's ``system-out``; a file that could not be read
is a case with an ``error``; problems with ``# msglint:`` comments are one case per file.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from ..core.merge_findings import also_line
from ..core.models import Severity, Violation
from .report import MessageReport, Report

_FAIL_RANKS = {"error": 3, "warning": 2, "info": 1, "never": 99}
#: characters XML 1.0 cannot carry at all
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _describe(m: MessageReport, v: Violation) -> str:
    where = f"{m.source or '<stdin>'}:{v.line}:{v.column}" if v.line else (m.source or "<stdin>")
    lines = [f"{where}: {v.rule} [{v.severity.value}] {v.message}", f"  matched: {v.matched!r}"]
    if also := also_line(v):
        lines.append(f"  {also}")
    if v.fix is not None:
        fix = v.fix
        change = f" → {fix.replacement!r}" if fix.replacement is not None else ""
        lines.append(f"  fix ({fix.applicability.value}){change}: {fix.description}")
    lines += [f"  basis: {b}" for b in v.basis]
    return "\n".join(lines)


class _Suite:
    def __init__(self, name: str) -> None:
        self.element = ET.Element("testsuite", name=_clean(name))
        self.tests = self.failures = self.errors = self.skipped = 0

    def case(self, name: str, classname: str, line: int | None) -> ET.Element:
        self.tests += 1
        attrs = {"name": _clean(name), "classname": _clean(classname)}
        if classname != "<stdin>":
            attrs["file"] = _clean(classname)
        if line:
            attrs["line"] = str(line)
        return ET.SubElement(self.element, "testcase", attrs)

    def fail(self, case: ET.Element, tag: str, message: str, kind: str, body: str) -> None:
        if tag == "failure":
            self.failures += 1
        else:
            self.errors += 1
        el = ET.SubElement(case, tag, message=_clean(message), type=_clean(kind))
        el.text = _clean(body)

    def close(self) -> ET.Element:
        for key in ("tests", "failures", "errors", "skipped"):
            self.element.set(key, str(getattr(self, key)))
        return self.element

    def skip(self, case: ET.Element, message: str) -> None:
        self.skipped += 1
        ET.SubElement(case, "skipped", message=_clean(message))


def render_junit(report: Report) -> str:
    threshold = _FAIL_RANKS.get(report.fail_on, 3)
    suites: dict[str, _Suite] = {}

    def suite(source: str | None) -> _Suite:
        key = source or "<stdin>"
        return suites.setdefault(key, _Suite(key))

    for m in report.messages:
        s = suite(m.source)
        case = s.case(m.id, m.source or "<stdin>", m.line)
        failing = [v for v in m.violations if Severity(v.severity).rank >= threshold]
        below = [v for v in m.violations if Severity(v.severity).rank < threshold]
        if failing:
            first = failing[0]
            more = f" (+{len(failing) - 1} more)" if len(failing) > 1 else ""
            body = "\n".join(_describe(m, v) for v in failing)
            s.fail(case, "failure", f"{first.rule} {first.message}{more}", first.rule, body)
        if below:
            ET.SubElement(case, "system-out").text = _clean(
                "\n".join(_describe(m, v) for v in below)
            )
    by_file: dict[str, list[str]] = {}
    for p in report.suppression_problems:
        by_file.setdefault(p.source, []).append(
            f"{p.source}:{p.line}:{p.column}: {p.rule} [{p.severity.value}] {p.message}"
        )
    for source, lines in by_file.items():
        s = suite(source)
        case = s.case("msglint suppressions", source, None)
        worst = max(
            Severity(p.severity).rank for p in report.suppression_problems if p.source == source
        )
        if worst >= threshold:
            s.fail(case, "failure", lines[0], "suppression", "\n".join(lines))
        else:
            ET.SubElement(case, "system-out").text = _clean("\n".join(lines))
    for p in report.problems:
        s = suite(p.source)
        case = s.case("read", p.source, p.line)
        if p.level == "error":
            s.fail(case, "error", p.message, "input", p.message)
        else:
            s.skip(case, p.message)
    return _document(s.close() for s in suites.values())


def _document(suites: Iterable[ET.Element]) -> str:
    root = ET.Element("testsuites", name="msglint")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for el in suites:
        root.append(el)
        for key in totals:
            totals[key] += int(el.get(key, "0"))
    for key, n in totals.items():
        root.set(key, str(n))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)
