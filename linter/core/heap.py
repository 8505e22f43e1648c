"""Keeping Python's cyclic garbage collector out of one-time builds.

Loading msglint allocates a few million objects (the packs, the concept trees, the
automaton's terms, jieba's dictionary) and frees almost none. Each collection that the
allocations set off walks everything already loaded, so left on, the collector costs a
fifth of a one-message ``msglint check``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic collection inside (it is switched back on after, if it was on)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
