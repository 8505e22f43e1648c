"""The HTTP pre-send gate: a thin FastAPI face over one engine (lint, batch, rules,
health, metrics, reload).

May import run, formats, packs and core; never the CLI.
"""
