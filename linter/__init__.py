"""msglint: a compliance linter for outbound debt-collection messages."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("msglint")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"
