"""What start-up skips must not change a result: jieba's dictionary loaded per character
segments exactly as the whole dictionary does, and the caches rebuild when spoiled."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from linter.core.engine import Engine
from linter.core.prepare import prepare
from linter.core.tokens import _USER_WORD_FREQ, Tokenizer, jieba

DATA = Path(__file__).parent / "data"


def _texts(engine: Engine) -> list[str]:
    texts = [ex.text for r in engine.all_rules for ex in r.spec.examples.trigger]
    texts += [ex.text for r in engine.all_rules for ex in r.spec.examples.passing]
    for path in sorted(DATA.glob("*.yaml")) + sorted(DATA.glob("real/**/*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        items = data.get("messages", []) if isinstance(data, dict) else []
        texts += [
            m["text"] for m in items if isinstance(m, dict) and isinstance(m.get("text"), str)
        ]
    return [prepare(t).text for t in texts]


def test_segmentation_is_that_of_the_whole_dictionary(engine: Engine):
    words = sorted(engine.tokenizer.user_words)
    whole = jieba.Tokenizer()
    whole.initialize()  # jieba's own way: every entry of the dictionary
    for word in words:
        whole.add_word(word, freq=_USER_WORD_FREQ)
    lazy = Tokenizer(words)
    texts = _texts(engine)
    assert len(texts) > 2000
    for text in texts:
        expected = [(w, s, e) for w, s, e in whole.tokenize(text, HMM=False)]
        assert [(t.text, t.start, t.end) for t in lazy.tokenize(text)] == expected
    assert len(lazy._jieba.FREQ) < len(whole.FREQ)  # it did not need all of it


def test_spoiled_caches_are_built_again(tmp_path: Path):
    """A cache cut short (a crash mid-write, a full disk) is read as absent, never half."""
    code = textwrap.dedent(
        """
        from linter.packs.loader import build_engine
        engine = build_engine()
        print(len(engine.lint("你再不还钱，我们就上门找你家人，爆你通讯录").violations))
        """
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    run = [sys.executable, "-c", code]
    first = subprocess.run(run, capture_output=True, text=True, check=True, env=env).stdout
    cached = sorted((tmp_path / "msglint").iterdir())
    assert any(p.name.endswith(".shards") for p in cached)
    assert any(p.name.startswith("pack-") for p in cached)
    for path in cached:
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    again = subprocess.run(run, capture_output=True, text=True, check=True, env=env).stdout
    assert again == first and int(first) >= 3
    third = subprocess.run(run, capture_output=True, text=True, check=True, env=env).stdout
    assert third == first


def test_shipped_packs_pass_the_checks_start_up_skips():
    """Start-up trusts msglint's own packs (no compiling, no 'fixed:' or '@set' checks):
    here they get every check a user's pack gets, compiled patterns included."""
    from linter.core.rule_spec import compile_pack_regex
    from linter.packs.loader import load_pack, pack_files, shipped_pack_dir

    compile_pack_regex.cache_clear()
    files = pack_files([shipped_pack_dir()])
    assert files
    packs = [load_pack(path) for path in files]  # raises PackError on anything wrong
    # patterns were compiled (their number falls as rules move to concepts)
    assert compile_pack_regex.cache_info().currsize > 0
    # as a user's packs: every trigger example holds one of its rule's declared anchors
    from linter.core.engine import Engine
    from linter.packs.concept_loader import load_concepts

    assert not any(p.shipped for p in packs)
    Engine(packs, None, load_concepts([shipped_pack_dir()]))


def test_shipped_concepts_pass_the_example_check_start_up_skips():
    """Start-up does not segment msglint's own concept examples; here every one is checked
    as a user's concept is (each example holds an entry on jieba's token boundaries)."""
    from linter.core.concepts import check_concept_examples
    from linter.packs.loader import build_engine

    engine = build_engine()
    shipped = [c for c in engine.concepts.concepts.values() if c.shipped]
    assert len(shipped) > 10
    check_concept_examples(engine.concepts, engine.tokenizer, shipped_too=True)


def test_old_caches_are_pruned_and_the_ones_in_use_kept(tmp_path: Path):
    """Every jieba install and every edit of a pack names a new cache file; the folder keeps
    the most recently used of each family, not every one ever written."""
    from linter.core.tokens import SHARDS_KEEP
    from linter.packs.loader import PACK_CACHE_KEEP

    folder = tmp_path / "msglint"
    folder.mkdir()
    stale_shards = [folder / f"msglint-jieba2-0.0-{i}-{i}.shards" for i in range(SHARDS_KEEP + 3)]
    stale_packs = [folder / f"pack-{i:064x}-old.marshal" for i in range(PACK_CACHE_KEEP + 5)]
    unrelated = folder / "notes.txt"
    for i, path in enumerate([*stale_shards, *stale_packs, unrelated]):
        path.write_bytes(b"x")
        os.utime(path, (1_000_000 + i, 1_000_000 + i))  # long ago, each a little later
    code = "from linter.packs.loader import build_engine; build_engine().lint('再不还钱就上门')"
    for home in (tmp_path / "clean", tmp_path):  # a clean folder: how many files a run writes
        env = {**os.environ, "XDG_CACHE_HOME": str(home)}
        subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, env=env)
    written = len(list((tmp_path / "clean" / "msglint").glob("pack-*.marshal")))
    shards = sorted(p.name for p in folder.glob("msglint-jieba2-*.shards"))
    packs = list(folder.glob("pack-*.marshal"))
    assert len(shards) == SHARDS_KEEP and len(packs) == PACK_CACHE_KEEP
    assert not stale_shards[0].exists() and not stale_packs[0].exists()  # the oldest went
    # the files this run wrote are the newest: kept
    assert any(p.stat().st_mtime > 2_000_000 for p in folder.glob("msglint-jieba2-*.shards"))
    fresh = [p for p in packs if p.stat().st_mtime > 2_000_000]
    assert written > 5 and len(fresh) == written  # every pack file this run wrote, kept
    assert unrelated.exists()  # another family's file is never touched


def test_test_rules_makes_the_checks_start_up_skips(tmp_path: Path, monkeypatch):
    """Someone editing msglint's own packs hears from `msglint test-rules` what CI would say:
    a key written twice in a shipped pack (start-up reads the shipped packs unchecked)."""
    import shutil

    from linter.core.errors import PackError
    from linter.packs import loader

    copy = tmp_path / "zh-CN"
    shutil.copytree(loader.shipped_pack_dir(), copy)
    pack = copy / "abusive_language.yaml"
    text = pack.read_text(encoding="utf-8")
    pack.write_text(
        text.replace("    severity: error\n", "    severity: error\n    severity: info\n", 1),
        encoding="utf-8",
    )
    engine = loader.build_engine()
    loader.check_shipped_in_full(engine)  # the real packs: nothing to say
    monkeypatch.setattr(loader, "shipped_pack_dir", lambda: copy)
    with pytest.raises(PackError, match=r"abusive_language\.yaml:\d+: .*written twice"):
        loader.check_shipped_in_full(engine)


def test_a_simplified_message_builds_no_s2t_converter() -> None:
    """Building OpenCC's s2t converter costs 30-60 ms of a one-message check: a message in
    simplified characters, with a replacement fix, needs none (a fresh process: converters
    are kept per process)."""
    code = (
        "from linter.packs.loader import build_engine\n"
        "from linter.core import script\n"
        "out = build_engine().lint('再不还钱就上门找你家人')\n"
        "assert any(v.fix and v.fix.replacement for v in out.violations)\n"
        "print(script._converter.cache_info().currsize)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"  # no converter built
