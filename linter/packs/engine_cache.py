"""A built engine kept in the user's cache folder, so a one-message ``msglint check`` does
not build it again.

Building the engine (reading the concept files, validating them, growing each concept's
template tree, each frame's role finders, the automaton's terms) costs about half of a
one-message check; reading it back costs a fifth of that. The cache file is named by a
key over everything the engine is made from:

- each pack and concept file: its path as given and the sha256 of its bytes (so its user
  words, variants, abbreviations and term sets), and whether it is one of msglint's own;
- the options (selection, severity overrides, organisation names, language);
- msglint's own code: the sha256 of every file of the installed package (a source
  checkout changes it without changing its version), and the versions that go into
  ``packs_version`` (:mod:`linter.core.engine_version`);
- the libraries whose objects the engine holds (pydantic, pyahocorasick) and Python's version.

So a changed pack, concept file, config or msglint never reads an old engine: it names
another file. A file that cannot be read back whole (cut short, spoiled, from another
version of a library) is ignored and the engine is built. Nothing of any message goes
in: the cache is written right after the build, before any text is linted.

The format is pickle, as the engine is a graph of msglint's own objects (concept trees,
finders, an Aho-Corasick automaton) that no plain-data format holds without a converter
for each class. Unpickling runs code named by the file, so a cache is only read from a
folder and a file owned by this user that no one else can write; elsewhere (the temporary
folder, when there is no home) nothing is cached.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

import pydantic_core

from ..core.engine import Engine
from ..core.engine_version import DECIDING_DISTRIBUTIONS, installed_version
from ..core.options import EngineOptions
from ..core.user_cache import cache_dir, mark_used, write_cache

#: built engines kept (~20 MB each, with their model): one per set of packs and options
ENGINE_CACHE_KEEP = 4

#: the first bytes of a cache file, then its key (a file is read only under its own name)
_MAGIC = b"msglint-engine-1\n"

#: the package whose files are msglint's code
_PACKAGE = Path(__file__).resolve().parents[1]


def code_digest(package: Path = _PACKAGE) -> str:
    """The sha256 of msglint's code: each file of the package (its path and bytes)."""
    digest = hashlib.sha256()
    for folder, subfolders, files in os.walk(package):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        for name in sorted(files):
            path = Path(folder, name)
            digest.update(str(path.relative_to(package)).encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def cache_key(
    pack_files: Iterable[tuple[Path, bool]], concept_files: Iterable[Path], options: EngineOptions
) -> str | None:
    """The key of the engine these files and options build (None: a file cannot be read,
    and the build will say so)."""
    try:
        files = [
            (str(path), hashlib.sha256(path.read_bytes()).hexdigest(), shipped)
            for path, shipped in pack_files
        ]
        concepts = [(str(p), hashlib.sha256(p.read_bytes()).hexdigest()) for p in concept_files]
        code = code_digest()
    except OSError:
        return None
    recipe = {
        "packs": files,
        "concepts": concepts,
        "options": options.model_dump(mode="json"),
        "code": code,
        "versions": {
            **{name: installed_version(name) for name in DECIDING_DISTRIBUTIONS},
            "pyahocorasick": installed_version("pyahocorasick"),
            "pydantic-core": pydantic_core.__version__,
            "python": sys.version,
            "pickle": pickle.HIGHEST_PROTOCOL,
        },
    }
    blob = json.dumps(recipe, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def _header(key: str) -> bytes:
    """What a cache file begins with: the format, then its key."""
    return _MAGIC + key.encode("ascii") + b"\n"


def _own(path: Path) -> bool:
    """Is ``path`` this user's, and writable by no one else?"""
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # no owners to check (Windows): do not trust the file
        return False
    try:
        info = path.stat()
    except OSError:
        return False
    return info.st_uid == getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _path(key: str) -> Path | None:
    """Where the engine of ``key`` is kept; None where the cache folder is not private."""
    folder = cache_dir()
    return folder / f"engine-{key}.pickle" if _own(folder) else None


def read(key: str) -> Engine | None:
    """The engine kept under ``key``, or None (none kept, not ours, or not readable)."""
    path = _path(key)
    if path is None or not _own(path):
        return None
    header = _header(key)
    try:
        data = path.read_bytes()
        if not data.startswith(header):
            return None
        engine = pickle.loads(memoryview(data)[len(header) :])
    except Exception:  # any spoiled or foreign file, whatever it raises: build instead
        return None
    if not isinstance(engine, Engine):
        return None
    mark_used(path)
    return engine


def write(key: str, engine: Engine) -> None:
    """Keep ``engine`` under ``key`` (nothing where the cache folder is not private)."""
    path = _path(key)
    if path is None:
        return
    try:
        blob = pickle.dumps(engine, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return  # an engine holding something that cannot be kept: built each time
    write_cache(path, _header(key) + blob, family="engine-*.pickle", keep=ENGINE_CACHE_KEEP)
