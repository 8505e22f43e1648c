"""msglint: a compliance linter for outbound debt-collection messages.

The public Python API is what ``__all__`` names (the README's "Public Python API"); every
other module is internal and may change between versions.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("msglint")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"

# after __version__: the modules below read it while they load
from .engine import Engine, EngineOptions, LintOutcome, build_engine
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
from .pack_loader import PackError

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
