"""Concept template expansions kept between runs, in the user's cache folder.

Expanding the templates of every frame role, cue and concept (products of lists, each
combination prepared) is most of what building an engine costs. What a template expands
into depends only on the concept files, the code that expands and prepares it, OpenCC's
conversion and Python's Unicode tables, so the file is named by a hash of all of these: a
change to any of them names another file, and an old file is never read. Plain data
(marshal: no code runs reading it back); a file that cannot be read or written is no error.
"""

from __future__ import annotations

import hashlib
import marshal
import sys
from collections.abc import Iterable
from pathlib import Path

import opencc

from .user_cache import cache_dir, write_cache

#: the code an expansion depends on besides this file: expanding and preparing
_SOURCES = tuple(Path(__file__).with_name(n) for n in ("concepts.py", "prepare.py"))


def cache_file(hashes: Iterable[str]) -> Path | None:
    """The cache file for a library of concept files with these hashes (None: no files)."""
    parts = list(hashes)
    if not parts:
        return None
    digest = hashlib.sha256()
    for part in (*parts, sys.version, str(getattr(opencc, "__version__", ""))):
        digest.update(part.encode("utf-8") + b"\0")
    try:
        for source in (*_SOURCES, Path(__file__)):
            digest.update(source.read_bytes())
    except OSError:
        return None  # code not on disk: nothing to name the cache by
    return cache_dir() / f"expansions-{digest.hexdigest()}.marshal"


def load(path: Path | None) -> dict[str, frozenset[str]]:
    if path is None:
        return {}
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, frozenset) for k, v in data.items()
    ):
        return {}
    return data


def save(path: Path | None, expansions: dict[str, frozenset[str]]) -> None:
    if path is not None:
        write_cache(path, marshal.dumps(expansions))
