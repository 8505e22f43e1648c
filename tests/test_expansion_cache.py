"""Concept template expansions are kept between runs, named by everything they depend on."""

from __future__ import annotations

from pathlib import Path

import pytest

from linter.packs.concept_loader import load_concepts


def _concepts(folder: Path, words: str) -> None:
    (folder / "concepts").mkdir(parents=True, exist_ok=True)
    (folder / "concepts" / "c.yaml").write_text(
        "concepts:\n"
        "  家人:\n"
        "    label: {zh: 家人, en: family}\n"
        f"    terms: [{words}]\n"
        "  你:\n"
        "    label: {zh: 你, en: you}\n"
        "    terms: [你, 您]\n",
        encoding="utf-8",
    )


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder / "msglint"


def test_a_second_run_reads_the_expansions_the_first_kept(tmp_path: Path, cache: Path) -> None:
    packs = tmp_path / "packs"
    _concepts(packs, "家人, 家里人")
    first = load_concepts([packs])
    expected = first.expand("{你}的?{家人}")
    first.keep_expansions()
    assert list(cache.glob("expansions-*.marshal"))
    second = load_concepts([packs])
    assert "{你}的?{家人}" in second._expansions  # read back, not worked out again
    assert second.expand("{你}的?{家人}") == expected
    assert "您的家里人" in expected


def test_an_edited_concept_file_is_never_read_from_a_stale_cache(
    tmp_path: Path, cache: Path
) -> None:
    packs = tmp_path / "packs"
    _concepts(packs, "家人")
    old = load_concepts([packs])
    assert "你家人" in old.expand("{你}{家人}")
    old.keep_expansions()
    _concepts(packs, "亲属")
    new = load_concepts([packs])
    assert new.expand("{你}{家人}") == {"你亲属", "您亲属"}


def test_a_damaged_cache_file_is_ignored(tmp_path: Path, cache: Path) -> None:
    packs = tmp_path / "packs"
    _concepts(packs, "家人")
    load_concepts([packs]).keep_expansions()
    (kept,) = cache.glob("expansions-*.marshal")
    kept.write_bytes(b"not marshal")
    assert load_concepts([packs]).expand("{你}{家人}") == {"你家人", "您家人"}


def test_a_caller_changing_an_expansion_changes_no_later_one(tmp_path: Path) -> None:
    packs = tmp_path / "packs"
    _concepts(packs, "家人")
    library = load_concepts([packs])
    library.expand("{你}{家人}").add("别的")
    assert library.expand("{你}{家人}") == {"你家人", "您家人"}
