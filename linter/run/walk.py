"""Which files a run reads: the paths named, and the lintable files inside named folders.

Inside a folder these are left out, as git and ruff would leave them out:

* hidden files and folders (``.github/``, ``.msglint/``);
* what ``.gitignore`` files ignore — those in the walked tree, and those from the folder up
  to the root of its git repository (and that repository's ``.git/info/exclude``);
* what an ``--exclude GLOB`` (relative to the current folder) or the config's ``exclude``
  (relative to the config file) matches: gitignore patterns, so ``legacy/`` or ``*.schema.json``
  match at any depth and ``templates/old/**`` from the root;
* pack files the engine loaded (``packs`` in the config, ``--pack``): rules, not messages.

A path named on the command line is read even when a pattern would exclude it, as ruff does:
naming a file is asking for it. Its contents (for a folder) are filtered as above.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a glob is matched: `check -` on stdin never needs it
    import pathspec

#: Suffixes read as messages; the readers say how (readers.py, read_tables.py).
LINTABLE_SUFFIXES = (".txt", ".jsonl", ".yaml", ".yml", ".json", ".csv", ".xlsx")


@lru_cache(maxsize=512)
def glob_spec(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    """gitignore-style patterns (``**`` crosses folders; no ``/`` matches at any depth)."""
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines([p.removeprefix("./") for p in patterns])


def _relative(path: Path, root: Path) -> str | None:
    with contextlib.suppress(ValueError):
        return path.resolve().relative_to(root.resolve()).as_posix()
    return None


@dataclass(frozen=True)
class Excludes:
    """Glob patterns, each set matched relative to its own folder."""

    #: (folder the patterns are relative to, patterns)
    sets: tuple[tuple[Path, tuple[str, ...]], ...] = ()

    def excluded(self, path: Path, is_dir: bool) -> bool:
        for root, patterns in self.sets:
            rel = _relative(path, root)
            if rel is None or not patterns:
                continue
            if glob_spec(patterns).match_file(rel + ("/" if is_dir else "")):
                return True
        return False


@dataclass
class _Ignores:
    """The .gitignore specs that apply in one folder, outermost first."""

    specs: list[tuple[Path, pathspec.GitIgnoreSpec]] = field(default_factory=list)

    def with_file(self, folder: Path, ignore_file: Path) -> _Ignores:
        try:
            lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return self
        import pathspec

        return _Ignores([*self.specs, (folder, pathspec.GitIgnoreSpec.from_lines(lines))])

    def ignored(self, path: Path, is_dir: bool) -> bool:
        verdict = False
        for base, spec in self.specs:  # the innermost file that has a say decides
            rel = os.path.relpath(path, base).replace(os.sep, "/") + ("/" if is_dir else "")
            if (result := spec.check_file(rel).include) is not None:
                verdict = result
        return verdict


def _git_root(folder: Path) -> Path | None:
    for parent in (folder, *folder.parents):
        if (parent / ".git").exists():
            return parent
    return None


def _ignores_above(folder: Path) -> _Ignores:
    """The .gitignore files from the repository root down to ``folder``'s parent."""
    folder = folder.resolve()
    root = _git_root(folder)
    ignores = _Ignores()
    if root is None:
        return ignores
    ignores = ignores.with_file(root, root / ".git" / "info" / "exclude")
    chain = [folder, *folder.parents]
    for parent in reversed(chain[1 : chain.index(root) + 1]):
        ignores = ignores.with_file(parent, parent / ".gitignore")
    return ignores


@dataclass
class Found:
    #: files to read, in order; a named path that does not exist is kept (reading reports it)
    files: list[Path] = field(default_factory=list)
    #: named folders in which nothing was found to read
    empty_folders: list[Path] = field(default_factory=list)


def _walk_folder(top: Path, excludes: Excludes, skip: frozenset[Path]) -> list[Path]:
    out: list[Path] = []
    ignores_at = {top.resolve(): _ignores_above(top)}
    for dirpath, dirnames, filenames in os.walk(top):
        here = Path(dirpath)
        ignores = ignores_at[here.resolve()]
        if ".gitignore" in filenames:
            ignores = ignores.with_file(here.resolve(), here / ".gitignore")
        kept = []
        for name in sorted(dirnames):
            sub = here / name
            resolved = sub.resolve()
            if name.startswith(".") or ignores.ignored(resolved, True):
                continue
            if excludes.excluded(sub, True):
                continue
            ignores_at[resolved] = ignores
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            found = here / name
            if name.startswith(".") or not name.lower().endswith(LINTABLE_SUFFIXES):
                continue
            resolved = found.resolve()
            if resolved in skip or ignores.ignored(resolved, False):
                continue
            if excludes.excluded(found, False) or not found.is_file():
                continue
            out.append(found)
    return sorted(out)


def find_inputs(
    paths: Iterable[Path], excludes: Excludes = Excludes(), skip: Iterable[Path] = ()
) -> Found:
    """The files a run reads, from the paths named on the command line."""
    found = Found()
    skip_set = frozenset(p.resolve() for p in skip)
    for path in paths:
        if path.is_dir():
            inside = _walk_folder(path, excludes, skip_set)
            if not inside:
                found.empty_folders.append(path)
            found.files += inside
        else:
            found.files.append(path)
    return found
