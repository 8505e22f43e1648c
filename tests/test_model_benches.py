"""The model's benches, their parts that need no scikit-learn: bench/real_folds.py (the real
dev half linted as shipped, heads fit without each group: the half it refuses, the variants
it reads, the packs it writes for a variant) and bench/model_loso.py's source groups."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from real_folds import packs_with, parse_variant, real_by_source  # noqa: E402
from train_model import TrainingDataError  # noqa: E402

from linter.packs.loader import build_engine  # noqa: E402


def test_it_never_reads_the_test_half() -> None:
    with pytest.raises(TrainingDataError, match="'test' folder"):
        real_by_source([ROOT / "tests/data/real/test"])


def test_each_real_message_is_both_an_example_and_a_labelled_message() -> None:
    pairs = real_by_source([ROOT / "tests/data/real/dev"])
    assert len(pairs) > 200
    for example, message in pairs:
        assert example.text == message.text
        for category, label in example.labels.items():
            assert label == int(any(c.value == category for c in message.labels))
        if message.source:
            assert example.source == message.source  # the group a fold holds out


def test_a_variant_names_categories_and_thresholds() -> None:
    assert parse_variant("threat=0.6,misleading_legal=0.8") == {
        "threat": 0.6,
        "misleading_legal": 0.8,
    }
    for bad in ["threat", "menace=0.6", "threat=high"]:
        with pytest.raises(argparse.ArgumentTypeError):
            parse_variant(bad)


def test_a_variant_moves_only_its_own_model_rule(tmp_path: Path, engine) -> None:
    folder = packs_with(tmp_path, "v", {"threat": 0.55})
    variant = build_engine([folder], shipped=False)
    thresholds = {
        r.spec.match.category.value: r.spec.match.threshold
        for r in variant.all_rules
        if r.spec.match.kind == "model"
    }
    shipped = {
        r.spec.match.category.value: r.spec.match.threshold
        for r in engine.all_rules
        if r.spec.match.kind == "model"
    }
    assert len(shipped) == 4 and shipped["threat"] != 0.55
    assert thresholds["threat"] == 0.55
    assert {k: v for k, v in thresholds.items() if k != "threat"} == {
        k: v for k, v in shipped.items() if k != "threat"
    }


def test_model_loso_folds_keep_each_source_in_one_group() -> None:
    from model_loso import source_groups
    from train_model import Example

    real = [Example(f"t{i}", "debtor", {}, f"src{i % 7}") for i in range(30)]
    one_each = source_groups(real, None)
    assert sorted(min(g) for g in one_each) == [f"src{i}" for i in range(7)]
    folded = source_groups(real, 3)
    assert 1 <= len(folded) <= 3
    assert sorted(s for g in folded for s in g) == [f"src{i}" for i in range(7)]
