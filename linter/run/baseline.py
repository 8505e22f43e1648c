"""A baseline for adopting msglint on a repository that already has findings.

``msglint check --baseline FILE`` reports only findings not in FILE; ``--update-baseline``
writes FILE from the current findings. An entry names the file (relative to FILE's folder),
the message key path and rule (for people reading the diff) and the fingerprint
(:mod:`linter.formats.fingerprints`: key path, rule, matched text — no line numbers), with a count
for identical findings in one message. A finding merged from several rules' matches
(:mod:`linter.core.merge_findings`) has an entry per match, the entries msglint 0.1 wrote: the
baseline takes out the matches it holds, and what another rule found there stays reported.

Matching is a multiset: first an entry of the same file, then — for a template that moved
to another file — an entry left over from a file that was linted in this run or no longer
exists. Entries of files not linted in this run (a pre-commit run on changed files only)
are kept as they are when the baseline is rewritten; a fixed finding drops out.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.merge_findings import parts, split_parts
from ..core.models import decide
from ..formats.fingerprints import FINGERPRINT_VERSION, fingerprint
from ..formats.report import MessageReport
from .atomic import write_atomic

FORMAT = "msglint-baseline"
Key = tuple[str, str]  # (file relative to the baseline's folder, fingerprint)


class BaselineError(Exception):
    """A baseline file that cannot be read or written: ``file: reason``."""


@dataclass
class Baseline:
    path: Path
    entries: Counter[Key] = field(default_factory=Counter)
    #: key → (message id, rule), for people reading the file
    names: dict[Key, tuple[str, str]] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.path.resolve().parent

    def relative(self, source: str | None) -> str:
        if source is None:
            return "<stdin>"
        p = Path(source).resolve()
        with contextlib.suppress(ValueError):  # another drive: keep it absolute
            p = Path(os.path.relpath(p, self.root))
        return p.as_posix()

    def _gone(self, src: str) -> bool:
        return src != "<stdin>" and not (self.root / src).exists()


def load(path: Path) -> Baseline:
    """The baseline at ``path``; an empty one when the file does not exist yet."""
    base = Baseline(path)
    if not path.exists():
        return base
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: not a msglint baseline: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise BaselineError(f'{path}: not a msglint baseline (no "format": "{FORMAT}")')
    if doc.get("fingerprint") != FINGERPRINT_VERSION:
        raise BaselineError(
            f"{path}: fingerprints {doc.get('fingerprint')!r}, this msglint uses "
            f"{FINGERPRINT_VERSION!r}: rewrite it with --update-baseline"
        )
    for i, e in enumerate(doc.get("findings", [])):
        try:
            key = (str(e["source"]), str(e["fingerprint"]))
            base.entries[key] += int(e.get("count", 1))
            base.names[key] = (str(e.get("id", "")), str(e.get("rule", "")))
        except (KeyError, TypeError, ValueError):
            raise BaselineError(f"{path}: findings[{i}]: needs source and fingerprint") from None
    return base


@dataclass(frozen=True)
class BaselineResult:
    #: findings the baseline accepted (taken out of the reports)
    baselined: int
    #: entries of files linted in this run (or deleted) that matched nothing: fixed since
    stale: int


def _linted(base: Baseline, reports: list[MessageReport], files: Iterable[str]) -> set[str]:
    return {base.relative(m.source) for m in reports} | {base.relative(f) for f in files}


def apply(
    base: Baseline, reports: list[MessageReport], files: Iterable[str] = ()
) -> BaselineResult:
    """Take the findings the baseline holds out of ``reports`` (in place).

    ``files``: files read whole in this run besides those with messages (one whose last
    template was removed still counts as linted).
    """
    left = Counter(base.entries)
    linted = _linted(base, reports, files)
    accepted: set[int] = set()
    pending = []
    for m in reports:
        src = base.relative(m.source)
        for v in (p for found in m.violations for p in parts(found)):
            key = (src, fingerprint(m.id, v.rule, v.matched))
            if left[key] > 0:
                left[key] -= 1
                accepted.add(id(v))
            else:
                pending.append((v, key[1]))
    # a template moved to another file: what its old file (linted, or gone) no longer has
    movable: dict[str, list[Key]] = {}
    for key, n in left.items():
        if n > 0 and (key[0] in linted or base._gone(key[0])):
            movable.setdefault(key[1], []).append(key)
    for v, fp in pending:
        for key in movable.get(fp, []):
            if left[key] > 0:
                left[key] -= 1
                accepted.add(id(v))
                break
    for m in reports:
        sm = m.source_message
        kept, gone = split_parts(
            m.violations, m.text, lambda v: id(v) in accepted, sm.position if sm else None
        )
        if gone:
            m.violations = kept
            m.decision = decide(m.violations)
    stale = sum(n for (src, _), n in left.items() if n > 0 and (src in linted or base._gone(src)))
    return BaselineResult(baselined=len(accepted), stale=stale)


def rebuilt(base: Baseline, reports: list[MessageReport], files: Iterable[str] = ()) -> Baseline:
    """The baseline for the current findings; files not linted in this run keep theirs."""
    linted = _linted(base, reports, files)
    new = Baseline(base.path)
    for key, n in base.entries.items():
        if key[0] not in linted and not base._gone(key[0]):
            new.entries[key] += n
            new.names[key] = base.names.get(key, ("", ""))
    for m in reports:
        src = base.relative(m.source)
        for v in (p for found in m.violations for p in parts(found)):
            key = (src, fingerprint(m.id, v.rule, v.matched))
            new.entries[key] += 1
            new.names[key] = (m.id, v.rule)
    return new


def save(base: Baseline) -> None:
    findings = [
        {
            "source": src,
            "id": base.names.get((src, fp), ("", ""))[0],
            "rule": base.names.get((src, fp), ("", ""))[1],
            "fingerprint": fp,
            "count": n,
        }
        for (src, fp), n in base.entries.items()
        if n > 0
    ]
    findings.sort(key=lambda e: (e["source"], e["id"], e["rule"], e["fingerprint"]))
    doc = {"format": FORMAT, "fingerprint": FINGERPRINT_VERSION, "findings": findings}
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    try:
        write_atomic(base.path, text.encode("utf-8"))
    except OSError as exc:
        raise BaselineError(f"{base.path}: cannot write: {exc.strerror}") from None
