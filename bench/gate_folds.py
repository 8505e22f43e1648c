"""Where the learned second opinion may speak: each head's gate measured on held-out sets.

    python bench/gate_folds.py [--sets FILE ...] [--beside 0.8]

For each written set (default: the ones bench/train_model.py trains on, but for the
measuring-only sets, which it never reads) the heads are fit on everything else, as
bench/train_model.py fits them, and the shipped packs with those weights lint the held-out
set three times: every model rule ``when: rules-silent`` (a finding or a let-go word of any
content category silences every head), every model rule ``when: category-silent`` with
``beside_findings`` (only its own category silences a head; other categories' findings ask
it at the higher score), and the gates ``rules/zh-CN/model.yaml`` ships. Per category it
prints found/support and the wrong findings, summed over the held-out sets, with the
content-message recall and the compliant messages flagged. Needs scikit-learn; prints no
message text.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval import evaluate, load_dataset, predict
from train_model import (
    DEFAULT_BENIGN,
    DEFAULT_REAL,
    benign_messages,
    default_sets,
    featurise,
    fit_heads,
    labelled_yaml,
    merged,
    pack_training,
    real_messages,
    refuse_test_half,
    shipped_concept_words,
    weights_document,
)

from linter.core import text_model
from linter.core.models import CONTENT_CATEGORIES, Category
from linter.core.tokens import Tokenizer
from linter.packs.loader import build_engine, shipped_pack_dir

MODEL_MATCH = re.compile(r"match: \{kind: model, category: (\w+), threshold: ([0-9.]+)[^}]*\}")
CONTENT = [c for c in Category if c in CONTENT_CATEGORIES]


def pack_copy(where: Path, gate: str, beside: float) -> Path:
    """The shipped packs with every model rule's gate set to ``gate`` ("shipped": as is)."""
    out = where / gate
    shutil.copytree(shipped_pack_dir(), out)
    model = out / "model.yaml"
    if gate != "shipped":
        extra = f", beside_findings: {beside}" if gate == "category-silent" else ""

        def gated(m: re.Match[str]) -> str:
            return (
                f"match: {{kind: model, category: {m[1]}, threshold: {m[2]}, when: {gate}{extra}}}"
            )

        model.write_text(MODEL_MATCH.sub(gated, model.read_text(encoding="utf-8")), "utf-8")
    return out


def use_weights(path: Path) -> None:
    """Make the engine read ``path`` as the shipped weights (a bench's fold, not a config)."""
    text_model.shipped_weights_path = lambda: path  # type: ignore[assignment]
    text_model.shipped_model.cache_clear()


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--sets", nargs="+", type=Path, default=None, metavar="FILE")
    p.add_argument("--beside", type=float, default=0.8, help="beside_findings tried")
    args = p.parse_args(argv)
    sets = args.sets if args.sets is not None else default_sets()
    tokenizer = Tokenizer()
    concepts = shipped_concept_words()
    cache: dict[tuple[str, str], set[str]] = {}  # every fold featurises the same messages
    gates = ("rules-silent", "category-silent", "shipped")
    totals = {
        g: {"found": {c: [0, 0, 0] for c in CONTENT}, "content": [0, 0], "ok": [0, 0]}
        for g in gates
    }
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)
        packs = {g: pack_copy(where, g, args.beside) for g in gates}
        # what does not depend on the held-out set is read (and the packs' fixes linted) once;
        # each fold is then exactly what bench/train_model.py's gather() gives without it
        for s in sets:
            refuse_test_half(s)
        written = {s: labelled_yaml(s, by_source=False) for s in sets}
        rest = [
            *pack_training(shipped_pack_dir()),
            *real_messages(DEFAULT_REAL),
            *benign_messages(DEFAULT_BENIGN),
        ]
        for held_out in sets:
            train = merged([*(e for s in sets if s != held_out for e in written[s]), *rest])
            heads = fit_heads(train, featurise(train, tokenizer, cache, concepts=concepts))
            weights = where / f"{held_out.stem}.json"
            weights.write_text(weights_document(train, heads, concepts), encoding="utf-8")
            use_weights(weights)
            messages = load_dataset(held_out)
            for gate in gates:
                engine = build_engine([packs[gate]], shipped=False)
                result = evaluate(*predict(engine, messages))
                t = totals[gate]
                for c in CONTENT:
                    s = result.scores[c]
                    t["found"][c] = [
                        a + b for a, b in zip(t["found"][c], (s.tp, s.support, s.fp), strict=True)
                    ]
                t["content"][0] += result.content.tp
                t["content"][1] += result.content.support
                flagged = {m.id for m in result.false_positives}
                compliant = [m for m in messages if not m.labels]
                t["ok"][0] += sum(m.id in flagged for m in compliant)
                t["ok"][1] += len(compliant)
            print(f"{held_out.name}: done", file=sys.stderr)
    print(f"held out in turn: {', '.join(s.name for s in sets)}; beside_findings {args.beside}")
    for gate in gates:
        t = totals[gate]
        cats = "  ".join(f"{c.value} {f[0]}/{f[1]} (+{f[2]} wrong)" for c, f in t["found"].items())
        print(
            f"{gate:16} content {t['content'][0]}/{t['content'][1]}  "
            f"compliant flagged {t['ok'][0]}/{t['ok'][1]}  {cats}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
