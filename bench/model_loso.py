"""How well the learned second opinion generalises: leave one source out, or one set.

    python bench/model_loso.py [--real PATH ...] [--sets FILE ...] [--benign FILE ...]
                               [--thresholds 0.5 0.7 ...]
    python bench/model_loso.py --holdout tests/data/holdout6_messages.yaml
    python bench/model_loso.py --folds 10 --c 32 --min-count 3 --ngrams 1 2 3 4

Leave-one-source-out: the real messages are grouped by their ``source``; for each source
the heads are trained (as bench/train_model.py does) on everything else — the written sets,
the pack examples, the ordinary SMS and the real messages of every other source — and
score that source's messages. Per category it prints precision / recall / F1 over all
the real messages at each threshold. ``--folds K`` holds out K groups of sources instead of
one source at a time (each source in one group, by a hash of its name): within a message or
two of leave-one-source-out on the real dev half, in a minute instead of seven, for trying
settings (``--c``, ``--min-count``, ``--ngrams``) before the full run. ``--holdout FILE ...``:
train without those files (written sets or real messages; no real message is trained on),
score them. Needs scikit-learn; prints no message text.
"""

from __future__ import annotations

import argparse
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_model import (
    DEFAULT_BENIGN,
    DEFAULT_REAL,
    HEADS,
    MIN_COUNT,
    C,
    Example,
    TrainingDataError,
    benign_messages,
    default_sets,
    featurise,
    fit_heads,
    labelled_yaml,
    merged,
    pack_training,
    real_messages,
    shipped_concept_words,
)

from linter.core.text_model import NGRAMS, Head, TextModel
from linter.core.tokens import Tokenizer
from linter.packs.loader import shipped_pack_dir

#: (text, recipient) → features: every fold featurises the same messages
_CACHE: dict[tuple[str, str], set[str]] = {}
#: the character n-grams read (--ngrams)
NGRAMS_USED: tuple[int, ...] = NGRAMS
#: the regularisation and the rarest feature kept (--c, --min-count)
FIT_C: float = C
FIT_MIN_COUNT: int = MIN_COUNT


def scores_on(
    train: list[Example], test: list[Example], tokenizer: Tokenizer
) -> list[dict[str, float]]:
    """Each test example's score per head, from heads fit on ``train``."""
    concepts = shipped_concept_words()
    feats = featurise(train, tokenizer, _CACHE, NGRAMS_USED, concepts=concepts)
    heads = fit_heads(train, feats, c=FIT_C, min_count=FIT_MIN_COUNT)
    model = TextModel(
        heads={k: Head.model_validate(v) for k, v in heads.items()},
        training_data_sha256="0" * 64,
        ngrams=NGRAMS_USED,
        sha256="",
    )
    return [
        {c.value: model.score(c.value, f) for c in HEADS}
        for f in featurise(test, tokenizer, _CACHE, NGRAMS_USED, concepts=concepts)
    ]


def table(test: list[Example], scores: list[dict[str, float]], thresholds: list[float]) -> str:
    head = f"{'category':<24}{'thr':>6}{'support':>8}{'TP':>5}{'FP':>5}{'FN':>5}"
    head += f"{'prec':>8}{'recall':>8}{'F1':>8}"
    lines = [head, "-" * len(head)]
    for cat in HEADS:
        for thr in thresholds:
            tp = fp = fn = support = 0
            for ex, sc in zip(test, scores, strict=True):
                gold = ex.labels.get(cat.value) == 1
                pred = sc[cat.value] >= thr
                support += gold
                tp += gold and pred
                fp += pred and not gold
                fn += gold and not pred
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            lines.append(
                f"{cat.value:<24}{thr:>6.2f}{support:>8}{tp:>5}{fp:>5}{fn:>5}"
                f"{p:>8.3f}{r:>8.3f}{f:>8.3f}"
            )
    return "\n".join(lines)


def source_groups(real: list[Example], folds: int | None) -> list[set[str]]:
    """The sources held out together: each alone, or ``folds`` groups by a hash of the name."""
    sources = sorted({e.source for e in real})
    if folds is None:
        return [{s} for s in sources]
    groups: list[set[str]] = [set() for _ in range(folds)]
    for s in sources:
        groups[zlib.crc32(s.encode("utf-8")) % folds].add(s)
    return [g for g in groups if g]


def training_without(base: list[Example], real: list[Example], group: set[str]) -> list[Example]:
    """What heads are fit on when the real messages of ``group``'s sources are held out: the
    rest, merged, with no held-out text (it may also be a written or pack example)."""
    held = {(e.text, e.recipient) for e in real if e.source in group}
    rest = merged([*base, *(e for e in real if e.source not in group)])
    return [e for e in rest if (e.text, e.recipient) not in held]


def leave_one_source_out(
    base: list[Example], real: list[Example], tokenizer: Tokenizer, folds: int | None = None
) -> tuple[list[Example], list[dict[str, float]]]:
    groups = source_groups(real, folds)
    tested: list[Example] = []
    scores: list[dict[str, float]] = []
    for n, group in enumerate(groups, 1):
        held = [e for e in real if e.source in group]
        scores.extend(scores_on(training_without(base, real, group), held, tokenizer))
        tested.extend(held)
        print(f"  fold {n}/{len(groups)}: {len(held)} held out", file=sys.stderr)
    return tested, scores


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--real", nargs="+", type=Path, default=DEFAULT_REAL, metavar="PATH")
    p.add_argument("--sets", nargs="+", type=Path, default=None, metavar="FILE")
    p.add_argument("--benign", nargs="+", type=Path, default=DEFAULT_BENIGN, metavar="FILE")
    p.add_argument(
        "--holdout",
        nargs="+",
        type=Path,
        default=None,
        metavar="FILE",
        help="score these files with heads trained without them (and without real data)",
    )
    p.add_argument("--ngrams", nargs="+", type=int, default=list(NGRAMS), metavar="N")
    p.add_argument("--thresholds", nargs="+", type=float, default=[0.5, 0.7, 0.8, 0.9])
    p.add_argument(
        "--folds", type=int, default=None, metavar="K", help="K groups of sources, not one each"
    )
    p.add_argument("--c", type=float, default=C, help=f"regularisation (default {C})")
    p.add_argument(
        "--min-count", type=int, default=MIN_COUNT, help=f"rarest feature kept ({MIN_COUNT})"
    )
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    global NGRAMS_USED, FIT_C, FIT_MIN_COUNT
    NGRAMS_USED = tuple(args.ngrams)
    FIT_C, FIT_MIN_COUNT = args.c, args.min_count
    sets = args.sets if args.sets is not None else default_sets()
    tokenizer = Tokenizer()
    try:
        packs = pack_training(shipped_pack_dir())
        benign = benign_messages(args.benign)
        if args.holdout is not None:
            test = [e for h in args.holdout for e in labelled_yaml(h, by_source=False)]
            held = {h.resolve() for h in args.holdout}
            kept = [s for s in sets if s.resolve() not in held]
            written = [e for s in kept for e in labelled_yaml(s, by_source=False)]
            texts = {(e.text, e.recipient) for e in test}
            train = [
                e for e in merged([*written, *packs, *benign]) if (e.text, e.recipient) not in texts
            ]
            names = ", ".join(map(str, args.holdout))
            print(f"trained without {names} ({len(train)} examples), scored on it")
            print(table(test, scores_on(train, test, tokenizer), args.thresholds))
            return 0
        written = [e for s in sets for e in labelled_yaml(s, by_source=False)]
        real = real_messages(args.real)
    except TrainingDataError as exc:
        print(f"model_loso: {exc}", file=sys.stderr)
        return 2
    if not real:
        print(
            "model_loso: no real messages under " + ", ".join(map(str, args.real)), file=sys.stderr
        )
        return 2
    tested, scores = leave_one_source_out([*written, *packs, *benign], real, tokenizer, args.folds)
    groups = len({e.source for e in real})
    how = f"sources in {args.folds} folds" if args.folds else "leave-one-source-out"
    print(
        f"{how}: {len(real)} real messages, {groups} sources (C {FIT_C}, min count "
        f"{FIT_MIN_COUNT}, n-grams {' '.join(map(str, NGRAMS_USED))})"
    )
    print(table(tested, scores, args.thresholds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
