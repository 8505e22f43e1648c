"""msglint: a compliance linter for outbound debt-collection messages."""

from .engine_version import installed_version

#: the one version of msglint, read from the installed package (pyproject.toml's ``version``)
__version__ = installed_version("msglint")
