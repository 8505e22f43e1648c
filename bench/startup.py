"""What one ``msglint check -`` on one message costs, as a whole process, and where it goes.

    python bench/startup.py [--runs 11] [--breakdown-runs 5] [--root DIR]

Wall: the median (and min, max) of ``--runs`` whole runs, and the median CPU time (user +
system, less disturbed by a busy machine than wall time) of the venv's ``msglint check -``
with one message on stdin: process start, imports, jieba, packs, the lint, the report.
``--root`` runs another checkout's CLI instead (``python -c`` with that checkout first on
``sys.path``, under this venv), e.g. ``git archive <commit> | tar -x -C /tmp/before``, so a
before/after pair can be taken close together (the machine is shared and noisy).

The runs use a private cache folder (``XDG_CACHE_HOME``), filled by one uncounted run: so
they read the engine ``msglint check`` keeps there (:mod:`linter.packs.engine_cache`), as
every check after the first does; "engine built" runs remove it first (the first check
after an install or a pack edit).

Breakdown: in fresh processes (cold, like the CLI), the median seconds of each phase of
what the CLI does: importing the CLI's modules, building jieba's dictionary, the engine
cache's key (hashing the packs, concepts and msglint's files) and reading it back, or
else loading the packs (YAML and validation) and concepts, building the engine and
keeping it; and the first lint. Inside those
phases, time spent in regex compilation, in deriving anchors/character sets/widths from
regex syntax (``regex_prefilter``) and in copying jieba's dictionary for the packs' user
words is measured apart (a phase's own figure excludes them), wherever it happens.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: a threat (its rules' large patterns compile on first use) and an ordinary reminder
MESSAGES = {
    "threat": "张先生，您的借款已逾期30天，再不还钱我们就上门找你家人，还会爆你通讯录。",
    "reminder": "【招商银行】尊敬的客户，您的信用卡本期账单已出，请于10日前按时还款。",
}

# Runs in a fresh interpreter: ``python -c CHILD root message``; prints one JSON line.
CHILD = r"""
import json, sys, time
root, message = sys.argv[1], sys.argv[2]
sys.path.insert(0, root)
t0 = time.perf_counter()
import linter.cli.main  # everything `msglint` imports before it parses its arguments
t_import = time.perf_counter()
import regex
subtotals = {"regex compile": 0.0, "anchor analysis": 0.0, "tokenizer copy": 0.0}

def timed(fn, key):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            subtotals[key] += time.perf_counter() - start
    wrapper.__wrapped__ = fn
    return wrapper

regex.compile = timed(regex.compile, "regex compile")
names = {
    "anchor analysis": ("required_literals", "required_sets", "max_match_width", "sample_cost"),
    "tokenizer copy": ("_with_words",),
}
originals = {}
for mod_name, mod in list(sys.modules.items()):
    if not mod_name.startswith("linter"):
        continue
    for key, fns in names.items():
        for fn_name in fns:
            fn = getattr(mod, fn_name, None)
            if callable(fn):
                originals.setdefault((key, fn_name), fn)
for mod_name, mod in list(sys.modules.items()):
    if not mod_name.startswith("linter"):
        continue
    for (key, fn_name), fn in originals.items():
        if getattr(mod, fn_name, None) is fn:
            setattr(mod, fn_name, timed(fn, key))

phases = {"import": t_import - t0}

def phase(name, fn):
    before = dict(subtotals)
    start = time.perf_counter()
    out = fn()
    spent = time.perf_counter() - start
    inner = sum(subtotals[k] - before[k] for k in subtotals)
    phases[name] = spent - inner
    return out

from linter.core import tokens
from linter.core.engine import Engine
from linter.packs.loader import load_pack, pack_files, shipped_pack_dir

phase("jieba init", getattr(tokens.Tokenizer, "_base_jieba", None) or tokens._Shards.default)
import gc
import inspect
# as build_engine loads the shipped packs (lazily compiled where the loader can)
params = inspect.signature(load_pack).parameters
lazy = {"shipped": True} if "shipped" in params else {}
files = pack_files([shipped_pack_dir()])
try:  # the engine kept in the user's cache (msglint check's start-up since issue 13)
    from linter.core.options import EngineOptions
    from linter.packs import engine_cache
    from linter.packs.concept_loader import concept_files
except ImportError:
    engine_cache = None
engine = None
if engine_cache is not None:  # as `msglint check` does: no collection while it builds
    gc.disable()
    here = shipped_pack_dir()
    key = phase(
        "cache key",
        lambda: engine_cache.cache_key(
            [(p, True) for p in files], concept_files([here]), EngineOptions()
        ),
    )
    engine = phase("cache read", lambda: engine_cache.read(key))
    phases["cached"] = float(engine is not None)
if engine is None:
    packs = phase("pack load", lambda: [load_pack(p, **lazy) for p in files])
    try:  # concepts shared by all packs (issue 13); older checkouts have none
        from linter.packs.concept_loader import load_concepts
        here = shipped_pack_dir()
        concepts = phase("concept load", lambda: load_concepts([here], here))
        engine = phase("engine build", lambda: Engine(packs, None, concepts))
    except ImportError:
        engine = phase("engine build", lambda: Engine(packs))
    if engine_cache is not None:
        phase("cache write", lambda: engine_cache.write(key, engine))
if engine_cache is not None:
    gc.freeze()
    gc.enable()
phase("first lint", lambda: engine.lint(message))
print(json.dumps({**phases, **subtotals}))
"""


def _env(pycache: str, cache: str) -> dict[str, str]:
    """The environment of an installed msglint: bytecode cached (pip compiles it at install
    time). A PYTHONDONTWRITEBYTECODE=1 around a source checkout would have every run compile
    msglint's modules again; the bench keeps their bytecode under a private prefix instead
    (so no __pycache__ lands in the tree) and warms it with one uncounted run. msglint's
    user cache (jieba's dictionary, parsed packs, the built engine) is a private folder,
    filled by that run."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = pycache
    env["XDG_CACHE_HOME"] = cache
    return env


def _forget_engine(env: dict[str, str]) -> None:
    """Remove the kept engines: the next run builds its engine (and keeps it)."""
    for path in (Path(env["XDG_CACHE_HOME"]) / "msglint").glob("engine-*.pickle"):
        path.unlink()


def _cli(root: Path | None) -> list[str]:
    if root is None:
        return [str(Path(sys.executable).parent / "msglint")]
    code = (
        f"import sys; sys.path.insert(0, {str(root)!r}); "
        "from linter.cli.main import main; sys.exit(main())"
    )
    return [sys.executable, "-c", code]


def wall(
    root: Path | None, runs: int, message: str, env: dict[str, str], built: bool = False
) -> tuple[list[float], list[float]]:
    """Wall seconds of each run, and CPU seconds (user + system) of each; ``built``: with
    no engine kept, so each run builds it (the first check after an install or an edit)."""
    times, cpu = [], []
    cmd = [*_cli(root), "check", "-"]
    subprocess.run(cmd, input=message, capture_output=True, text=True, check=False, env=env)
    for _ in range(runs):
        if built:
            _forget_engine(env)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(
            cmd, input=message, capture_output=True, text=True, check=False, env=env
        )
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"msglint check failed ({proc.returncode}): {proc.stderr.strip()}")
    return times, cpu


def breakdown(
    root: Path, runs: int, message: str, env: dict[str, str], built: bool = False
) -> dict[str, float]:
    rows: list[dict[str, float]] = []
    for _ in range(runs):
        if built:
            _forget_engine(env)
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(root), message],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {key: statistics.median(row[key] for row in rows) for key in rows[0]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--breakdown-runs", type=int, default=5)
    parser.add_argument("--root", type=Path, help="checkout whose CLI to time (default: this)")
    args = parser.parse_args()
    root = args.root.resolve() if args.root else None
    pycache = tempfile.mkdtemp(prefix="msglint-startup-pycache-")
    cache = tempfile.mkdtemp(prefix="msglint-startup-cache-")
    env = _env(pycache, cache)
    print(f"msglint check - (one message), {args.runs} runs, checkout {root or ROOT}")
    cases = [(name, message, False) for name, message in MESSAGES.items()]
    cases.append(("threat", MESSAGES["threat"], True))
    for name, message, built in cases:
        times, cpu = wall(root, args.runs, message, env, built)
        shown = f"{name}, engine built" if built else name
        print(
            f"  {shown:<22}: wall median {statistics.median(times):.3f} s "
            f"(min {min(times):.3f}, max {max(times):.3f}); "
            f"CPU median {statistics.median(cpu):.3f} s"
        )
    for name, message, built in cases:
        parts = breakdown(root or ROOT, args.breakdown_runs, message, env, built)
        cached = parts.pop("cached", None)
        if cached is None:  # a checkout from before the engine cache
            shown = ""
        elif cached in (0.0, 1.0):
            shown = ", engine read from the cache" if cached else ", engine built"
        else:
            shown = f", engine read from the cache in {cached:.0%} of runs"
        print(f"breakdown, {name}{shown} (median of {args.breakdown_runs} fresh processes, s):")
        for key, value in parts.items():
            print(f"  {key:<16} {value:.3f}")
        print(f"  {'sum':<16} {sum(parts.values()):.3f}")
    shutil.rmtree(pycache, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
