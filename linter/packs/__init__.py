"""Rule packs as files: reading and validating them (with file:line errors), building an
engine from them, and running, listing and explaining their rules.

May import :mod:`linter.core` only.
"""
