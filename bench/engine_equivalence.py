"""Does the working tree's engine give exactly what a baseline commit's engine gives?

    git worktree add /tmp/msglint-base <commit>      # once, the commit before a change
    python bench/engine_equivalence.py [--base /tmp/msglint-base]

Lints a large, varied set of inputs with both engines, each in its own process (the
baseline imported from the worktree; the packs for both from one copy of this tree's
rules/, taken at the start as others may edit rules/ meanwhile, so only the code differs),
and compares the full JSON of every LintOutcome: violations with spans and fixes, the
decision and the fixed text. Prints how many inputs were compared and every
difference (by input number and rule, never the message text), and exits 1 on any
difference. Also prints each engine's in-process time, a rough speed comparison.
"""

from __future__ import annotations

import argparse
import json
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

    for path in sorted((ROOT / "tests" / "data").glob("*.yaml")):
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


def _benign() -> Iterator[tuple[str, Context]]:
    folder = ROOT.parent / "shared" / "data" / "benign"
    for path in sorted(folder.glob("*.txt")) if folder.is_dir() else []:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield line, {}


def _context_json(ctx: Context) -> Context:
    return {k: (str(v) if k == "send_at" else v) for k, v in ctx.items()}


def inputs(corpus_count: int, rules: Path) -> list[tuple[str, Context]]:
    sys.path.insert(0, str(ROOT / "bench"))
    from corpus import messages

    labelled = list(_yaml_messages()) + list(_jsonl_messages())
    examples = list(_pack_examples(rules))
    base = labelled + examples + list(_benign())
    base += [(t, {}) for t in messages(corpus_count)]
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
    from linter.engine import build_engine
    from linter.models import MessageContext

    assert Path(linter.__file__).resolve().parent.parent == Path(root).resolve(), linter.__file__
    engine = build_engine([Path(rules)], shipped=False)
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
    Path(out_path).write_text(
        json.dumps({"seconds": elapsed, "results": results}, ensure_ascii=False),
        encoding="utf-8",
    )


def _run(root: Path, rules: Path, inputs_path: Path, out_path: Path) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--worker", str(root), str(rules)]
    cmd += [str(inputs_path), str(out_path)]
    subprocess.run(cmd, check=True, cwd=str(root))
    return json.loads(out_path.read_text(encoding="utf-8"))


def _describe(i: int, a: dict[str, Any], b: dict[str, Any]) -> str:
    """A difference, by rule and span and field names (never the message text)."""

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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="/tmp/msglint-base", help="worktree of the baseline")
    parser.add_argument("--corpus", type=int, default=3000, help="bench/corpus.py messages")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        # one copy of the packs for both engines (others may edit rules/ meanwhile)
        rules = Path(tmp) / "rules"
        shutil.copytree(ROOT / "rules" / "zh-CN", rules)
        items = inputs(args.corpus, rules)
        inputs_path = Path(tmp) / "inputs.json"
        inputs_path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        base = _run(Path(args.base), rules, inputs_path, Path(tmp) / "base.json")
        tree = _run(ROOT, rules, inputs_path, Path(tmp) / "tree.json")
    differences = [
        _describe(i, a, b)
        for i, (a, b) in enumerate(zip(base["results"], tree["results"], strict=True))
        if a != b
    ]
    violations = sum(len(r["violations"]) for r in base["results"])
    n = len(items)
    print(f"compared {n} inputs ({violations} violations in the baseline)")
    print(
        f"baseline {base['seconds'] / n * 1e6:.0f} us/input, "
        f"tree {tree['seconds'] / n * 1e6:.0f} us/input"
    )
    for line in differences[:50]:
        print(line)
    print(f"{len(differences)} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--worker":
        worker(*sys.argv[2:])
        sys.exit(0)
    sys.exit(main())
