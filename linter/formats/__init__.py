"""The report of a run and its renderings: the report model and text, JSON, SARIF, GitHub
annotations and JUnit XML, with file positions and stable fingerprints.

Pure functions from a report to text. May import :mod:`linter.packs` and :mod:`linter.core`;
never reads files, prints or exits.
"""
