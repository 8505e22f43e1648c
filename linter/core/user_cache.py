"""Where msglint keeps what it can rebuild: per-user, never in a folder others can write."""

from __future__ import annotations

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


def write_cache(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (readers never see half a file); a
    cache that cannot be written is no error."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except OSError:
        pass
