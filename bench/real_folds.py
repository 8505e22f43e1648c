"""What msglint as shipped would find on real messages it was not trained on.

    python bench/real_folds.py [--folds 10] [--try threat=0.6 ...]

The real ``dev`` messages are cut into ``--folds`` groups by source (every message of one
source in one group). For each group the heads are fit on everything else, as
bench/train_model.py fits them (the written sets, the pack examples and their fixes, the
ordinary SMS, the real messages of the other groups), and the shipped packs with those
weights lint the group's messages, gates and all. The groups' findings together are scored
like ``bench/eval.py`` scores a set: per category found/support and wrong findings,
content-message recall and compliant messages flagged, with the ids of the messages wrongly
flagged — the figure closest to what the real ``test`` half will show, without reading it.

bench/model_loso.py scores the heads' raw outputs; this scores what a user sees: the rules,
and the heads only where their gates ask them. ``--try`` lints each group again with other
thresholds for the model rules (``CATEGORY=T[,CATEGORY=T]``, one variant per argument), so a
threshold is chosen on real messages held out, gates included. The rules alone are printed
for reference. Needs scikit-learn; prints no message text.
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

from eval import LabelledMessage, Prediction, evaluate, predict
from gate_folds import use_weights
from model_loso import source_groups, training_without
from train_model import (
    DEFAULT_BENIGN,
    DEFAULT_REAL,
    Example,
    benign_messages,
    default_sets,
    examples_of,
    featurise,
    fit_heads,
    labelled_messages,
    labelled_yaml,
    pack_training,
    real_files,
    shipped_concept_words,
    weights_document,
)

from linter.core.models import CONTENT_CATEGORIES, Category
from linter.core.options import EngineOptions
from linter.core.tokens import Tokenizer
from linter.packs.loader import build_engine, shipped_pack_dir

CONTENT = [c for c in Category if c in CONTENT_CATEGORIES]


def parse_variant(text: str) -> dict[str, float]:
    """``threat=0.6,misleading_legal=0.8`` → {category: threshold}."""
    out: dict[str, float] = {}
    names = {c.value for c in Category}
    for part in text.split(","):
        cat, sep, value = part.partition("=")
        if not sep or cat.strip() not in names:
            raise argparse.ArgumentTypeError(f"{part!r}: expected CATEGORY=THRESHOLD")
        try:
            out[cat.strip()] = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{part!r}: {value!r} is not a number") from None
    return out


def packs_with(where: Path, name: str, thresholds: dict[str, float]) -> Path:
    """The shipped packs with the model rules of these categories at these thresholds."""
    out = where / name
    shutil.copytree(shipped_pack_dir(), out)
    model = out / "model.yaml"
    text = model.read_text(encoding="utf-8")
    for cat, thr in thresholds.items():
        pattern = re.compile(rf"(match: \{{kind: model, category: {cat}, threshold: )[0-9.]+")
        text, n = pattern.subn(rf"\g<1>{thr}", text)
        if n != 1:
            raise SystemExit(f"real_folds: no model rule of category {cat} in {model}")
    model.write_text(text, encoding="utf-8")
    return out


def real_by_source(paths: Sequence[Path]) -> list[tuple[Example, LabelledMessage]]:
    """Each real message as a training example and as the labelled message eval reads."""
    out: list[tuple[Example, LabelledMessage]] = []
    for f in real_files(paths):
        messages = labelled_messages(f)
        out.extend(zip(examples_of(messages, f, by_source=True), messages, strict=True))
    return out


def describe(title: str, predictions: list[Prediction]) -> str:
    result = evaluate(predictions, 0.0)
    flagged = {m.id for m in result.false_positives}
    compliant = [p.message for p in predictions if not p.message.labels]
    cats = "  ".join(
        f"{c.value} {s.tp}/{s.support} (+{s.fp})"
        for c in CONTENT
        if (s := result.scores[c]).support or s.fp
    )
    ok = sorted(m.id for m in compliant if m.id in flagged)
    wrong = sorted({m.id for m in result.false_positives} - set(ok))
    return (
        f"{title:<34} content {result.content.tp}/{result.content.support}  "
        f"compliant flagged {len(ok)}/{len(compliant)}\n    {cats}\n"
        f"    compliant flagged: {' '.join(ok) or '-'}\n"
        f"    wrong category on a violating message: {' '.join(wrong) or '-'}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--folds", type=int, default=10)
    p.add_argument("--real", nargs="+", type=Path, default=DEFAULT_REAL, metavar="PATH")
    p.add_argument(
        "--try", dest="variants", nargs="+", type=parse_variant, default=[], metavar="CAT=T,..."
    )
    args = p.parse_args(argv)
    tokenizer = Tokenizer()
    concepts = shipped_concept_words()
    cache: dict[tuple[str, str], set[str]] = {}
    real = real_by_source(args.real)
    if not real:
        print("real_folds: no real messages", file=sys.stderr)
        return 2
    base = [
        *(e for s in default_sets() for e in labelled_yaml(s, by_source=False)),
        *pack_training(shipped_pack_dir()),
        *benign_messages(DEFAULT_BENIGN),
    ]
    names = ["shipped", *(",".join(f"{c}={t}" for c, t in v.items()) for v in args.variants)]
    found: dict[str, list[Prediction]] = {n: [] for n in ["rules alone", *names]}
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)
        packs = {"shipped": packs_with(where, "shipped", {})}
        for n, (name, variant) in enumerate(zip(names[1:], args.variants, strict=True)):
            packs[name] = packs_with(where, f"variant{n}", variant)
        rules_alone = build_engine(
            [shipped_pack_dir()], EngineOptions(ignore=["ZH-MDL"]), shipped=False
        )
        groups = source_groups([e for e, _ in real], args.folds)
        for k, group in enumerate(groups):
            held = [(e, m) for e, m in real if e.source in group]
            train = training_without(base, [e for e, _ in real], group)
            heads = fit_heads(train, featurise(train, tokenizer, cache, concepts=concepts))
            weights = where / f"fold{k}.json"
            weights.write_text(weights_document(train, heads, concepts), encoding="utf-8")
            use_weights(weights)
            messages = [m for _, m in held]
            found["rules alone"].extend(predict(rules_alone, messages)[0])
            for name in names:
                engine = build_engine([packs[name]], shipped=False)
                found[name].extend(predict(engine, messages)[0])
            print(f"  fold {k + 1}/{len(groups)}: {len(held)} held out", file=sys.stderr)
    sources = len({e.source for e, _ in real})
    print(f"real messages by source in {args.folds} folds: {len(real)} messages, {sources} sources")
    for name, predictions in found.items():
        print(describe(name, predictions))
    return 0


if __name__ == "__main__":
    sys.exit(main())
