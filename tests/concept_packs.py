"""A pack folder of one's own for a test: a concepts file beside one pack file, as msglint
reads ``--pack`` folders (``concepts/*.yaml`` beside the packs)."""

from __future__ import annotations

from pathlib import Path

from linter.core.engine import Engine
from linter.packs.loader import build_engine


def write_concept_pack(folder: Path, concepts: str, pack: str, name: str = "test") -> Path:
    """Write ``concepts`` to ``folder/concepts/test.yaml`` and ``pack`` to
    ``folder/<name>.yaml``; return ``folder``."""
    (folder / "concepts").mkdir(exist_ok=True)
    (folder / "concepts" / "test.yaml").write_text(concepts, encoding="utf-8")
    (folder / f"{name}.yaml").write_text(pack, encoding="utf-8")
    return folder


def concept_pack_engine(folder: Path, concepts: str, pack: str, name: str = "test") -> Engine:
    """The engine of that folder alone (no shipped pack)."""
    return build_engine([write_concept_pack(folder, concepts, pack, name)], shipped=False)
