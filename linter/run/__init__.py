"""A lint run over inputs: the config file, reading message files (text, YAML, JSON, JSONL,
CSV, XLSX), walking folders, suppressions, the baseline and in-place fixing.

Builds the report :mod:`linter.formats` renders. May import formats, packs and core;
never prints or exits (the faces above do that).
"""
