"""The exceptions more than one layer raises or catches.

A pack that cannot be loaded (:class:`PackError`) and a pack regex that ran out of time
(:class:`RuleTimeout`) are raised by the engine and caught by the faces (CLI, HTTP).
"""

from __future__ import annotations


class PackError(Exception):
    """A pack that cannot be loaded. ``str()`` is one line: ``file:line: field: reason``.

    Raised where the line is not known (the engine compiles validated specs, not YAML),
    ``loc`` says where in the pack the fault is (``("rules", 3, "match")``) and ``needle``
    the words to look for under it (``{不付款}``): the pack loader turns them into a line."""

    def __init__(
        self,
        path: str,
        line: int | None,
        field: str,
        reason: str,
        *,
        loc: tuple[str | int, ...] | None = None,
        needle: str | None = None,
    ) -> None:
        self.path, self.line, self.field, self.reason = path, line, field, reason
        self.loc, self.needle = loc, needle
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {field}: {reason}" if field else f"{where}: {reason}")


class RuleTimeout(Exception):
    """A pack regex ran out of time: the message cannot be judged (a gate fails closed)."""
