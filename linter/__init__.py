"""msglint: a compliance linter for outbound debt-collection messages.

The public Python API is what ``__all__`` names (the README's "Public Python API"); every
other module is internal and may change between versions.
"""

from .engine_version import installed_version

#: the one version of msglint, read from the installed package (pyproject.toml's ``version``)
__version__ = installed_version("msglint")

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
