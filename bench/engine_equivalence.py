"""Does the working tree's engine give exactly what a baseline commit's engine gives?

    git worktree add /tmp/msglint-base <commit>      # once, the commit before a change
    python bench/engine_equivalence.py [--base /tmp/msglint-base] [--cached]

Lints a large, varied set of inputs (pack examples, tests/data/*.yaml and
tests/data/real/**/*.yaml messages, benign texts, corpus and fix-heavy messages, pairs
joined, each in several contexts) with both engines, each in its own process (the
baseline imported from the worktree; the packs for both from one copy of this tree's
rules/, taken at the start as others may edit rules/ meanwhile, so only the code
differs; a baseline from before packs declared ``anchors:`` gets them without, as it
derived its own), and compares the full JSON of every LintOutcome: violations with spans
and fixes, the decision and the fixed text. When the tree's engine merges matches of one
category into one finding and the baseline's does not, the tree's matches before merging
are compared (``Engine.lint(merge=False)``), and the inputs that differ only by merging
are counted apart. Prints how many inputs were compared and every difference (by input
number and rule, never the message text), and exits 1 on any difference. Also prints
each engine's in-process time, a rough speed comparison. ``--cached`` lints with the
tree's engine as ``msglint check`` has it on every start but the first: kept in a
(private) cache folder and read back (:mod:`linter.packs.engine_cache`).
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
Context = dict[str, Any]

#: extra contexts every message is also linted in
_VARIANTS: list[Context] = [
    {"recipient": "third_party"},
    {"channel": "im"},
    {
        "recipient": "guarantor",
        "channel": "app",
        "organization": ["安信消费金融"],
        "send_at": "2026-03-01T22:30:00+08:00",
    },
]


def _yaml_messages() -> Iterator[tuple[str, Context]]:
    import yaml

    data_dir = ROOT / "tests" / "data"
    for path in sorted(data_dir.glob("*.yaml")) + sorted(data_dir.glob("real/**/*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("messages", []) if isinstance(data, dict) else []:
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                yield item["text"], dict(item.get("context") or {})


def _jsonl_messages() -> Iterator[tuple[str, Context]]:
    for path in sorted((ROOT / "tests" / "data").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            ctx = {k: item[k] for k in ("recipient", "channel", "send_at") if k in item}
            yield item["text"], ctx


def _pack_examples(rules: Path) -> Iterator[tuple[str, Context]]:
    import yaml

    for path in sorted(rules.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for rule in data.get("rules", []):
            examples = rule.get("examples") or {}
            for kind in ("trigger", "pass"):
                for ex in examples.get(kind) or []:
                    yield ex["text"], dict(ex.get("context") or {})


def _fixable(rules: Path) -> tuple[list[str], list[str]]:
    """What the packs replace (fix.replacements keys) and trigger examples of rules that
    replace anything (fix.replacement too)."""
    import yaml

    keys: list[str] = []
    triggers: list[str] = []
    for path in sorted(rules.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for rule in data.get("rules", []):
            fix = rule.get("fix") or {}
            if not (fix.get("replacement") or fix.get("replacements")):
                continue
            keys.extend(sorted(fix.get("replacements") or {}))
            examples = rule.get("examples") or {}
            triggers.extend(ex["text"] for ex in examples.get("trigger") or [])
    return keys, triggers


def _disguised(rng: random.Random, phrase: str, s2t: Any) -> str:
    """``phrase`` as people write it to dodge filters, or as it is."""
    how = rng.randrange(6)
    if how == 1:
        return s2t.convert(phrase)  # traditional characters
    if how in (2, 3) and len(phrase) > 1:
        cut = rng.randrange(1, len(phrase))
        mark = rng.choice(["\u200b", "\u200d\u200b", "\ufeff", "*", " ", "-", "·"])
        return phrase[:cut] + mark + phrase[cut:]
    if how == 4:
        slot = rng.choice(["{name}", "{{ amount }}", "%s", "#姓名#", "${x}"])
        return slot + phrase if rng.random() < 0.5 else phrase + slot
    return phrase


#: what else stands between the pieces of a fix-heavy message
_GLUE = ["，", "。", "！", " ", "\n", "【安信消费金融】", "你", "您", "他", "妈"]


def _fix_heavy(count: int, rules: Path, filler: list[str]) -> list[tuple[str, Context]]:
    """Messages full of replaceable violations: several per message, disguised (zero-width
    characters, separators, placeholders, traditional characters next to or inside the
    fixed spans), overlapping or nested so a fix can leave (or make) another violation."""
    import opencc

    s2t = opencc.OpenCC("s2t")
    keys, triggers = _fixable(rules)
    rng = random.Random(20260301)
    contexts: list[Context] = [{}, {"organization": ["安信消费金融"]}]
    out: list[tuple[str, Context]] = []
    for _ in range(count):
        parts: list[str] = []
        for _ in range(rng.randint(2, 7)):
            kind = rng.random()
            if kind < 0.45:
                key = rng.choice(keys)
                if rng.random() < 0.2 and len(key) > 1:  # the phrase around itself
                    cut = rng.randrange(1, len(key))
                    key = key[:cut] + key + key[cut:]
                parts.append(_disguised(rng, key, s2t))
            elif kind < 0.65:
                parts.append(_disguised(rng, rng.choice(triggers), s2t))
            elif kind < 0.85:
                parts.append(rng.choice(filler))
            else:
                parts.append(rng.choice(_GLUE))
        out.append(("".join(parts), rng.choice(contexts)))
    return out


def _benign() -> Iterator[tuple[str, Context]]:
    folder = ROOT.parent / "shared" / "data" / "benign"
    for path in sorted(folder.glob("*.txt")) if folder.is_dir() else []:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield line, {}


def _context_json(ctx: Context) -> Context:
    return {k: (str(v) if k == "send_at" else v) for k, v in ctx.items()}


def inputs(corpus_count: int, fix_count: int, rules: Path) -> list[tuple[str, Context]]:
    sys.path.insert(0, str(ROOT / "bench"))
    from corpus import messages

    labelled = list(_yaml_messages()) + list(_jsonl_messages())
    examples = list(_pack_examples(rules))
    base = labelled + examples + list(_benign())
    corpus = messages(corpus_count)
    base += [(t, {}) for t in corpus]
    base += _fix_heavy(fix_count, rules, [t[: len(t) // 2] for t in corpus[:200]])
    # messages joined: rules meet each other's words, fixes meet other violations
    pool = labelled + examples
    joined = [(a[0] + b[0], a[1]) for a, b in zip(pool, pool[7:] + pool[:7], strict=True)][::3]
    out: list[tuple[str, Context]] = []
    for text, ctx in base + joined:
        out.append((text, _context_json(ctx)))
        for variant in _VARIANTS:
            out.append((text, _context_json({**ctx, **variant})))
    return out


def worker(root: str, rules: str, inputs_path: str, out_path: str) -> None:
    """Lint every input with the engine of ``root`` (run in a process of its own)."""
    sys.path.insert(0, root)
    import linter
    from linter import MessageContext, build_engine  # the public API: base and tree alike

    assert Path(linter.__file__).resolve().parent.parent == Path(root).resolve(), linter.__file__
    engine = build_engine([Path(rules)], shipped=False)
    if os.environ.get(_CACHED):  # the same engine, kept in the cache and read back
        build_engine([Path(rules)], shipped=False, cached=True)
        engine = build_engine([Path(rules)], shipped=False, cached=True)
    items = json.loads(Path(inputs_path).read_text(encoding="utf-8"))
    contexts = [MessageContext.model_validate(ctx) for _text, ctx in items]
    engine.lint(items[0][0], contexts[0])
    results = []
    start = time.perf_counter()
    for (text, _ctx), context in zip(items, contexts, strict=True):
        outcome = engine.lint(text, context)
        results.append(
            {
                "violations": [v.model_dump(mode="json") for v in outcome.violations],
                "decision": str(outcome.decision),
                "fixed_text": outcome.fixed_text,
            }
        )
    elapsed = time.perf_counter() - start
    if "merge" in inspect.signature(engine.lint).parameters:
        # each rule's own violations, before merging: what an engine from before merging gave
        for (text, _ctx), context, row in zip(items, contexts, results, strict=True):
            outcome = engine.lint(text, context, merge=False)
            row["rule_matches"] = [v.model_dump(mode="json") for v in outcome.violations]
    Path(out_path).write_text(
        json.dumps({"seconds": elapsed, "results": results}, ensure_ascii=False),
        encoding="utf-8",
    )


#: set in a worker's environment: lint with the engine read back from its cache
_CACHED = "MSGLINT_EQUIVALENCE_CACHED_ENGINE"


def _run(
    root: Path, rules: Path, inputs_path: Path, out_path: Path, cached: bool = False
) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--worker", str(root), str(rules)]
    cmd += [str(inputs_path), str(out_path)]
    env = dict(os.environ)
    if cached:  # a private cache folder, so the engine is built, kept, then read back
        env[_CACHED] = "1"
        env["XDG_CACHE_HOME"] = str(out_path.parent / "cache")
    subprocess.run(cmd, check=True, cwd=str(root), env=env)
    return json.loads(out_path.read_text(encoding="utf-8"))


#: fields an engine that merges findings adds to every violation
_MERGE_FIELDS = ("matches", "rules")


def _unmerged(res: dict[str, Any]) -> dict[str, Any]:
    """A result as an engine from before merging gives it: each rule's own violations."""
    violations = res.get("rule_matches", res["violations"])
    return {
        "violations": [
            {k: v for k, v in found.items() if k not in _MERGE_FIELDS} for found in violations
        ],
        "decision": res["decision"],
        "fixed_text": res["fixed_text"],
    }


def _merged_only(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Do ``a`` and ``b`` differ only where one engine merged matches the other did not?"""
    if "rule_matches" in a or "rule_matches" not in b:
        return False
    return _unmerged(a) == _unmerged(b)


def _describe(i: int, a: dict[str, Any], b: dict[str, Any]) -> str:
    """A difference, by rule and span and field names (never the message text)."""
    a, b = _unmerged(a), _unmerged(b)

    def keyed(res: dict[str, Any]) -> dict[tuple[str, int, int], dict[str, Any]]:
        return {(v["rule"], v["start"], v["end"]): v for v in res["violations"]}

    ka, kb = keyed(a), keyed(b)
    parts = [f"input {i}:"]
    if only := sorted(ka.keys() - kb.keys()):
        parts.append(f"only in base {only}")
    if only := sorted(kb.keys() - ka.keys()):
        parts.append(f"only in tree {only}")
    for key in sorted(ka.keys() & kb.keys()):
        fields = sorted(f for f in ka[key] if ka[key][f] != kb[key].get(f))
        if fields:
            parts.append(f"{key} differs in {fields}")
    if [list(k) for k in ka] != [list(k) for k in kb] and len(parts) == 1:
        parts.append("violation order differs")
    if a["decision"] != b["decision"]:
        parts.append(f"decision {a['decision']} vs {b['decision']}")
    if a["fixed_text"] != b["fixed_text"]:
        parts.append("fixed_text differs")
    return " ".join(parts)


def _for_schema_of(root: Path, rules: Path, out: Path) -> Path:
    """The packs as ``root``'s schema reads them: a checkout from before declared anchors
    (it derived them itself) gets them without ``anchors:``; the rest is the same."""
    if "anchors" in (root / "linter" / "core" / "rule_spec.py").read_text(encoding="utf-8"):
        return rules
    import yaml

    def drop(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: drop(v) for k, v in value.items() if k != "anchors"}
        if isinstance(value, list):
            return [drop(v) for v in value]
        return value

    out.mkdir()
    for path in sorted(rules.glob("*.yaml")):
        data = drop(yaml.safe_load(path.read_text(encoding="utf-8")))
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
        (out / path.name).write_text(text, encoding="utf-8")
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="/tmp/msglint-base", help="worktree of the baseline")
    parser.add_argument("--corpus", type=int, default=3000, help="bench/corpus.py messages")
    parser.add_argument(
        "--fixes", type=int, default=1500, help="messages full of replaceable violations"
    )
    parser.add_argument(
        "--cached",
        action="store_true",
        help="lint with the tree's engine as msglint check reads it from its cache",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        # one copy of the packs for both engines (others may edit rules/ meanwhile)
        rules = Path(tmp) / "rules"
        shutil.copytree(ROOT / "rules" / "zh-CN", rules)
        items = inputs(args.corpus, args.fixes, rules)
        inputs_path = Path(tmp) / "inputs.json"
        inputs_path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        base_rules = _for_schema_of(Path(args.base), rules, Path(tmp) / "base-rules")
        base = _run(Path(args.base), base_rules, inputs_path, Path(tmp) / "base.json")
        tree = _run(ROOT, rules, inputs_path, Path(tmp) / "tree.json", args.cached)
    differences = []
    merged = 0
    for i, (a, b) in enumerate(zip(base["results"], tree["results"], strict=True)):
        if a == b:
            continue
        if _merged_only(a, b):  # the same rule matches and decision, perhaps shown merged
            shown = [
                {k: v for k, v in x.items() if k not in _MERGE_FIELDS} for x in b["violations"]
            ]
            merged += shown != _unmerged(b)["violations"]
            continue
        differences.append(_describe(i, a, b))
    violations = sum(len(r["violations"]) for r in base["results"])
    n = len(items)
    print(f"compared {n} inputs ({violations} violations in the baseline)")
    print(
        f"baseline {base['seconds'] / n * 1e6:.0f} us/input, "
        f"tree {tree['seconds'] / n * 1e6:.0f} us/input"
    )
    for line in differences[:50]:
        print(line)
    if merged:
        print(f"{merged} inputs differ only in matches of one category merged into one finding")
    print(f"{len(differences)} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--worker":
        worker(*sys.argv[2:])
        sys.exit(0)
    sys.exit(main())
