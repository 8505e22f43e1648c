"""Where msglint keeps what it can rebuild: per-user, never in a folder others can write."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/msglint``, else ``~/.cache/msglint``; the temporary folder only
    where neither can be made (a read-only home)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "msglint"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return Path(tempfile.gettempdir())
    return folder


def write_cache(path: Path, data: bytes, family: str | None = None, keep: int = 0) -> None:
    """Write ``data`` to ``path`` whole or not at all (readers never see half a file); a
    cache that cannot be written is no error.

    ``family`` (a glob such as ``pack-*.marshal``) names the files this one replaces over
    time: a pack edited, jieba reinstalled. Each writes a new file under a new name, so the
    folder would grow without end; after writing, only the ``keep`` most recently used of
    the family stay (a read marks its file used: :func:`mark_used`)."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except OSError:
        return
    if family is not None and keep > 0:
        prune(path.parent, family, keep)


def mark_used(path: Path) -> None:
    """Note that ``path`` was read now, so pruning keeps it (no error if it cannot)."""
    with contextlib.suppress(OSError):
        os.utime(path)


def prune(folder: Path, family: str, keep: int) -> None:
    """Remove all but the ``keep`` most recently used files of ``family`` in ``folder``."""
    aged: list[tuple[float, Path]] = []
    for candidate in folder.glob(family):
        try:
            aged.append((candidate.stat().st_mtime, candidate))
        except OSError:
            continue  # removed meanwhile by another process
    aged.sort(reverse=True)
    for _, stale in aged[keep:]:
        with contextlib.suppress(OSError):
            stale.unlink()
