"""msglint: a compliance linter for outbound debt-collection messages.

The public Python API is what ``__all__`` names (the README's "Public Python API"); every
other module is internal and may change between versions. The names load on first use
(PEP 562), so importing a part of the package (say its config reader) does not load the
engine, jieba or OpenCC.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from .engine_version import MSGLINT_VERSION as __version__

if TYPE_CHECKING:
    from .engine import Engine, LintOutcome, build_engine
    from .errors import PackError
    from .models import (
        Applicability,
        Category,
        Channel,
        Decision,
        Fix,
        MessageContext,
        Recipient,
        Severity,
        Violation,
    )
    from .options import EngineOptions

#: each public name → the module that defines it
_HOMES = {
    "Applicability": ".models",
    "Category": ".models",
    "Channel": ".models",
    "Decision": ".models",
    "Engine": ".engine",
    "EngineOptions": ".options",
    "Fix": ".models",
    "LintOutcome": ".engine",
    "MessageContext": ".models",
    "PackError": ".errors",
    "Recipient": ".models",
    "Severity": ".models",
    "Violation": ".models",
    "build_engine": ".engine",
}

__all__ = [
    "Applicability",
    "Category",
    "Channel",
    "Decision",
    "Engine",
    "EngineOptions",
    "Fix",
    "LintOutcome",
    "MessageContext",
    "PackError",
    "Recipient",
    "Severity",
    "Violation",
    "__version__",
    "build_engine",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'linter' has no attribute {name!r}")
    value = getattr(import_module(home, __name__), name)
    globals()[name] = value  # found once: later lookups do not come here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
