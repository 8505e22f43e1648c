"""The ``msglint`` command: a thin face that parses arguments, runs the layers below and
prints. Exit 0 clean, 1 violations, 2 errors.

May import every layer, including :mod:`linter.http` (``msglint serve`` starts the gate);
nothing imports it but ``python -m linter``.
"""
