"""The engine's version: a hash of everything that can change what it decides.

Two runs with the same ``packs_version`` give the same decisions on the same message and
context, so an audit can reproduce a decision from the version it was made with. The hash
covers the packs (their bytes), the user words they give jieba, the options a deployment
sets (selection, severity overrides, sending window, organisation names, language), the
learned models' training data and weights, msglint's own version, the versions of the
libraries that segment, convert and match (jieba, OpenCC, regex, pypinyin) and Python's
Unicode database (NFKC normalisation).
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache
from importlib.metadata import PackageNotFoundError, version

#: the distributions whose code takes part in a decision, msglint first
DECIDING_DISTRIBUTIONS = ("msglint", "jieba", "opencc", "regex", "pypinyin")


@cache  # the code in memory keeps its version while the process runs
def installed_version(distribution: str) -> str:
    """The installed version of ``distribution``; ``0.0.0+source`` when it is not installed
    (msglint run from a source tree)."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "0.0.0+source"


#: the one version of msglint, read from the installed package (pyproject.toml's ``version``)
MSGLINT_VERSION = installed_version("msglint")


def engine_version(
    pack_hashes: Iterable[str],
    user_words: Iterable[str],
    options: Mapping[str, object],
    models: Iterable[str] = (),
) -> str:
    """16 hex digits naming the packs, user words, options, models and code that decide.

    ``models``: each loaded model's training-data hash and weights hash (see
    :attr:`linter.core.text_model.TextModel.version`); absent from the recipe when no rule
    uses a model, so such an engine keeps the version it had before models existed.
    """
    recipe: dict[str, object] = {
        "packs": sorted(pack_hashes),
        "user_words": sorted(set(user_words)),
        "options": options,
        "code": {name: installed_version(name) for name in DECIDING_DISTRIBUTIONS},
        "unicode": unicodedata.unidata_version,
    }
    loaded = sorted(set(models))
    if loaded:
        recipe["models"] = loaded
    blob = json.dumps(recipe, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:16]
