"""Do two folders of packs give exactly the same results? And what does each rule cost?

    cp -r rules/zh-CN /tmp/packs-before                  # once, before rewriting patterns
    python bench/pack_equivalence.py [--before /tmp/packs-before]   # equivalence
    python bench/pack_equivalence.py --fuzz [--strings 20000]       # per-pattern fuzz
    python bench/pack_equivalence.py --time [--repeats 5] [--top 20]

Equivalence lints a large, varied set of inputs (bench/engine_equivalence.py's: labelled
messages, pack examples, benign texts, corpus messages, joined pairs, each in several
contexts) with the SAME engine code over the two pack folders and compares the full
JSON of every LintOutcome (violations with spans and fixes, decision, fixed text), and
what the engine derives from each pattern (anchors, required characters, match width).
Prints differences by input number and rule, never message text; exits 1 on any.

Fuzz: for every pattern that differs between the folders, random strings: samples of the
pattern with its lookarounds removed (so the lookarounds decide), in noise made of the
pattern's own literals, clause punctuation and corpus text, sometimes mutated or put
inside a whole message; old and new ``finditer`` spans (from position 0 and a random
start) must be the same. Exits 1 on any difference.

Time: µs per message per rule, spent in ``spans_where_applied`` for the rules the engine
would run, over bench/corpus.py messages(1200) plus tests/data/*.yaml messages; the
best of several repeats, the two folders' engines taking turns message by message so
that both see the same machine load (the machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from engine_equivalence import (  # noqa: E402
    _VARIANTS,
    _context_json,
    _describe,
    _pack_examples,
    _yaml_messages,
    inputs,
)

from linter.core.engine import Engine  # noqa: E402
from linter.core.matchers import PackRegex  # noqa: E402
from linter.core.models import MessageContext  # noqa: E402
from linter.core.rule_spec import compile_pack_regex  # noqa: E402
from linter.packs.loader import build_engine  # noqa: E402

TREE = ROOT / "rules" / "zh-CN"
PUNCT = [*',，。.!！?？;；:：、\n …“”"', "\ue000", "1", "3", "24", "h"]


def _engine(folder: Path) -> Engine:
    return build_engine([folder], shipped=False)


def _regexes(engine: Engine) -> Iterator[tuple[str, int, PackRegex]]:
    from linter.core.engine import _pack_regexes  # type: ignore[attr-defined]

    for rule in engine.all_rules:
        for i, rx in enumerate(_pack_regexes(rule)):
            yield rule.spec.id, i, rx


def _derived(engine: Engine) -> dict[tuple[str, int], Any]:
    return {
        (rid, i): (
            sorted(rx.anchors) if rx.anchors is not None else None,
            sorted(sorted(s) for s in rx.required),
            rx.max_width,
        )
        for rid, i, rx in _regexes(engine)
    }


def _lint_all(engine: Engine, items: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    out = []
    for text, ctx in items:
        outcome = engine.lint(text, MessageContext.model_validate(ctx))
        out.append(
            {
                "violations": [v.model_dump(mode="json") for v in outcome.violations],
                "decision": str(outcome.decision),
                "fixed_text": outcome.fixed_text,
            }
        )
    return out


def _inputs(corpus: int, rules: Path) -> list[tuple[str, dict[str, Any]]]:
    """engine_equivalence's inputs (its signature grows: fix-heavy messages too, if offered)."""
    import inspect

    extra = {"fix_count": 1500} if "fix_count" in inspect.signature(inputs).parameters else {}
    return inputs(corpus_count=corpus, rules=rules, **extra)


def equivalence(before: Path, corpus: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        after = Path(tmp) / "after"  # a snapshot: others may edit rules/ meanwhile
        shutil.copytree(TREE, after)
        items = _inputs(corpus, before)  # with the old packs' examples
        # and the new packs' examples too (a rewrite must not touch them, but be sure)
        seen = {(t, json.dumps(c, sort_keys=True)) for t, c in items}
        for t, ctx in _pack_examples(after):
            for variant in [{}, *_VARIANTS]:
                c = _context_json({**ctx, **variant})
                if (t, json.dumps(c, sort_keys=True)) not in seen:
                    items.append((t, c))
        old, new = _engine(before), _engine(after)
        a, b = _lint_all(old, items), _lint_all(new, items)
        derived_old, derived_new = _derived(old), _derived(new)
    differences = [_describe(i, x, y) for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    derived = [k for k in derived_old if derived_old[k] != derived_new.get(k)]
    violations = sum(len(r["violations"]) for r in a)
    print(f"compared {len(items)} inputs ({violations} violations with the packs before)")
    for line in differences[:50]:
        print(line)
    print(f"{len(differences)} differences")
    for key in derived:
        (a0, r0, w0), (a1, r1, w1) = derived_old[key], derived_new.get(key, (None, [], None))
        print(
            f"derived prefilter differs for {key[0]} regex {key[1]}: anchors "
            f"{'none' if a0 is None else len(a0)} -> {'none' if a1 is None else len(a1)}, "
            f"required sets {len(r0)} -> {len(r1)}, width {w0} -> {w1}"
        )
    print(
        f"{len(derived)} prefilter differences (anchors, required sets, width; "
        "outcomes decide: a prefilter only skips what cannot match)"
    )
    return 1 if differences else 0


def _patterns(folder: Path) -> dict[tuple[str, str], str]:
    """(rule id, where in match) → pattern, for every pattern of every pack."""
    out: dict[tuple[str, str], str] = {}

    def walk(rid: str, where: str, node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "pattern" and isinstance(v, str):
                    out[(rid, where)] = v
                else:
                    walk(rid, f"{where}.{k}", v)

    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for rule in data.get("rules", []):
            for key in ("match", "exceptions"):
                walk(rule["id"], key, rule.get(key))
    return out


def _pieces(pattern: str) -> list[str]:
    """Literal runs of a pattern, and their parts, to build strings that nearly match."""
    import regex

    runs = regex.findall(r"[\p{Han}a-z0-9]+", regex.sub(r"\\[a-zA-Z]|\(\?[<=!:x]*", " ", pattern))
    out = set()
    for run in runs:
        out.add(run)
        for n in (1, 2, 3):
            out.update(run[i : i + n] for i in range(len(run)))
    return sorted(out)


def _sample(parsed: Any, rng: random.Random, pool: str) -> str:
    """A random string the pattern without its lookarounds matches (best effort)."""
    from linter.core.regex_prefilter import sre_constants as c

    out: list[str] = []
    for op, arg in parsed:
        if op is c.LITERAL:
            out.append(chr(arg))
        elif op is c.IN:
            chars = [chr(a) for o, a in arg if o is c.LITERAL]
            chars += [chr(x) for o, a in arg if o is c.RANGE for x in range(a[0], a[1] + 1)]
            if any(o is c.NEGATE for o, _a in arg):
                chars = [ch for ch in pool if ch not in chars] or ["x"]
            out.append(rng.choice(chars or list(pool)))
        elif op is c.BRANCH:
            out.append(_sample(rng.choice(arg[1]), rng, pool))
        elif op is c.SUBPATTERN:
            out.append(_sample(arg[-1], rng, pool))
        elif op is c.ATOMIC_GROUP:
            out.append(_sample(arg, rng, pool))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            lo, hi, sub = arg
            for _ in range(rng.randint(lo, min(hi, lo + 4))):
                out.append(_sample(sub, rng, pool))
        elif op is c.ANY or op is c.NOT_LITERAL or op is c.CATEGORY:
            out.append(rng.choice(pool))
    return "".join(out)


def _fuzz_strings(pattern: str, count: int, seed: int, texts: list[str]) -> Iterator[str]:
    """Strings near the pattern: samples of it in random context, mutated; and fragments."""
    from linter.core.regex_prefilter import _parse_loosely

    rng = random.Random(seed)
    # \p{Han} stands for a Han character only to sample: the parser cannot read it
    parsed = _parse_loosely(pattern.replace("\\p{Han}", "汉"))
    pieces = _pieces(pattern)
    pool = "".join(sorted(set("".join(pieces)) | set("".join(PUNCT))))

    def noise() -> str:
        parts = []
        for _ in range(rng.randint(0, 6)):
            r = rng.random()
            if r < 0.6:
                parts.append(rng.choice(pieces))
            elif r < 0.8:
                parts.append(rng.choice(PUNCT))
            else:
                t = rng.choice(texts)
                i = rng.randrange(len(t))
                parts.append(t[i : i + rng.randint(1, 12)])
        return "".join(parts)

    for n in range(count):
        if parsed is not None and n % 4 != 3:
            s = noise() + _sample(parsed, rng, pool) + noise()
            for _ in range(rng.choice((0, 0, 1, 2))):  # a small mutation
                i = rng.randrange(len(s) + 1)
                if rng.random() < 0.5:
                    s = s[:i] + rng.choice(pieces + PUNCT) + s[i:]
                else:
                    s = s[:i] + s[i + 1 :]
        else:
            s = noise() + noise() + noise()
        if n % 10 == 0:  # inside a whole message
            t = rng.choice(texts)
            i = rng.randrange(len(t) + 1)
            s = t[:i] + s + t[i:]
        yield s


def fuzz(before: Path, count: int, seed: int) -> int:
    from corpus import messages

    old_p, new_p = _patterns(before), _patterns(TREE)
    changed = sorted(k for k in new_p if old_p.get(k) != new_p[k])
    texts = [m for m, _ in _yaml_messages()] + messages(300)
    failures = 0
    for key in changed:
        if key not in old_p:
            print(f"{key}: new pattern, nothing to compare")
            failures += 1
            continue
        old, new = compile_pack_regex(old_p[key]), compile_pack_regex(new_p[key])
        rng = random.Random(seed + 1)
        bad = matched = 0
        for n, s in enumerate(_fuzz_strings(old_p[key], count, seed, texts)):
            for pos in (0, rng.randrange(len(s) + 1)):
                x = [m.span() for m in old.finditer(s, pos=pos)]
                y = [m.span() for m in new.finditer(s, pos=pos)]
                matched += bool(x)
                if x != y:
                    bad += 1
                    if bad <= 3:
                        print(f"{key}: differs at string #{n} pos {pos}: {x} vs {y}")
        print(f"{key[0]} {key[1]}: {count} strings ({matched} searches matched), {bad} differences")
        failures += bad > 0
    if not changed:
        print("no pattern differs between the folders")
    return 1 if failures else 0


def _timing_messages() -> list[str]:
    from corpus import messages

    return messages(1200) + [m for m, _ in _yaml_messages()]


def _time_pass(engines: list[Engine], items: list[Any]) -> list[dict[str, float]]:
    """Seconds per rule for each engine, the engines taking turns message by message."""
    from linter.core.analysis import analyse

    clock = time.perf_counter
    totals: list[dict[str, float]] = [{} for _ in engines]
    for k, (text, ctx) in enumerate(items):
        turns = list(enumerate(engines))
        for e, engine in turns if k % 2 == 0 else turns[::-1]:
            analysis = analyse(text, ctx, engine.tokenizer, engine.index, engine.speller)
            acc = totals[e]
            for rule in engine._plan(ctx).triggered(analysis.term_hits):
                t0 = clock()
                rule.spans_where_applied(analysis)
                rid = rule.spec.id
                acc[rid] = acc.get(rid, 0.0) + clock() - t0
    return totals


def timing(before: Path | None, repeats: int, top: int) -> int:
    """µs per message per rule; with ``before``, both folders timed message by message."""
    items = [(m, MessageContext()) for m in _timing_messages()]
    with tempfile.TemporaryDirectory() as tmp:
        snapshot = Path(tmp) / "tree"  # others may edit rules/ meanwhile
        shutil.copytree(TREE, snapshot)
        folders = {"tree": snapshot} if before is None else {"before": before, "tree": snapshot}
        engines = [_engine(f) for f in folders.values()]
    best: list[dict[str, float]] = [{} for _ in engines]
    for _ in range(repeats):
        gc.collect()
        for acc, totals in zip(best, _time_pass(engines, items), strict=True):
            for rid, sec in totals.items():
                acc[rid] = min(sec, acc.get(rid, sec))
    n = len(items)
    names = list(folders)
    ranked = sorted(best[-1], key=lambda r: -best[0].get(r, 0.0))
    print(f"{n} messages, best of {repeats} runs, µs per message")
    print("rule".ljust(12) + "".join(f"{name:>10}" for name in names))
    for rid in ranked[:top]:
        row = "".join(f"{acc.get(rid, 0.0) / n * 1e6:10.2f}" for acc in best)
        print(rid.ljust(12) + row)
    print("all rules".ljust(12) + "".join(f"{sum(a.values()) / n * 1e6:10.2f}" for a in best))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", default="/tmp/packs-before", help="the packs to compare to")
    parser.add_argument("--corpus", type=int, default=3000, help="bench/corpus.py messages")
    parser.add_argument("--fuzz", action="store_true", help="fuzz every changed pattern")
    parser.add_argument("--strings", type=int, default=20000, help="fuzz strings per pattern")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--time", action="store_true", help="per-rule cost")
    parser.add_argument("--tree-only", action="store_true", help="--time: only the tree")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()
    before = Path(args.before)
    if args.time:
        return timing(None if args.tree_only else before, args.repeats, args.top)
    if args.fuzz:
        return fuzz(before, args.strings, args.seed)
    return equivalence(before, args.corpus)


if __name__ == "__main__":
    sys.exit(main())
