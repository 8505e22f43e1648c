"""msglint: a compliance linter for outbound debt-collection messages.

The public Python API is what ``__all__`` names (the README's "Public Python API"); every
other module is internal and may change between versions. The names load on first use
(PEP 562), so importing a part of the package (say its config reader) does not load the
engine, jieba or OpenCC.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from .core.engine_version import MSGLINT_VERSION as __version__

if TYPE_CHECKING:
    from .core.engine import Engine, LintOutcome
    from .core.errors import PackError
    from .core.models import (
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
    from .core.options import EngineOptions
    from .packs.loader import build_engine

#: each public name → the module that defines it
_HOMES = {
    "Applicability": ".core.models",
    "Category": ".core.models",
    "Channel": ".core.models",
    "Decision": ".core.models",
    "Engine": ".core.engine",
    "EngineOptions": ".core.options",
    "Fix": ".core.models",
    "LintOutcome": ".core.engine",
    "MessageContext": ".core.models",
    "PackError": ".core.errors",
    "Recipient": ".core.models",
    "Severity": ".core.models",
    "Violation": ".core.models",
    "build_engine": ".packs.loader",
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
