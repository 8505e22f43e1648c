"""The exceptions more than one layer raises or catches.

A pack that cannot be loaded (:class:`PackError`) and a pack regex that ran out of time
(:class:`RuleTimeout`) are raised by the engine and caught by the faces (CLI, HTTP).
"""

from __future__ import annotations


class PackError(Exception):
    """A pack that cannot be loaded. ``str()`` is one line: ``file:line: field: reason``."""

    def __init__(self, path: str, line: int | None, field: str, reason: str) -> None:
        self.path, self.line, self.field, self.reason = path, line, field, reason
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {field}: {reason}" if field else f"{where}: {reason}")


class RuleTimeout(Exception):
    """A pack regex ran out of time: the message cannot be judged (a gate fails closed)."""
