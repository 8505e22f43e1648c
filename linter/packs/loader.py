"""Reading rule packs: YAML → validated PackSpec, with errors that name file, line and field."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..core.engine import Engine
from ..core.errors import PackError
from ..core.models import problem_text
from ..core.options import EngineOptions
from ..core.rule_spec import LAZY_REGEX, MATCH_KINDS, LoadedPack, PackSpec


def shipped_pack_dir() -> Path:
    """The zh-CN packs that ship with msglint (source checkout or installed package)."""
    source_tree = Path(__file__).resolve().parents[2] / "rules" / "zh-CN"
    if source_tree.is_dir():
        return source_tree
    return Path(str(resources.files("linter.rules_data") / "zh-CN"))


def pack_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")))
        else:
            files.append(path)
    return files


def _node_at(root: yaml.Node | None, loc: tuple[Any, ...]) -> yaml.Node | None:
    """Follow a pydantic error location through the composed YAML, as far as it goes."""
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if k.value == part), None)
            if found is None:
                continue  # a union tag or a model name in the location, not a YAML key
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
    return node


def _field_name(loc: tuple[Any, ...], tagged: bool = True) -> str:
    """rules[3].match.pattern from a location; pydantic puts the union tag after 'match'."""
    out = ""
    previous: Any = None
    for part in loc:
        skip_tag = tagged and previous == "match" and part in MATCH_KINDS
        previous = part
        if isinstance(part, int):
            out += f"[{part}]"
        elif skip_tag:
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


#: libyaml's loader where PyYAML was built with it (about 10x faster than pure Python)
_FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose(text: str) -> yaml.Node | None:
    """The node tree, with line marks: only needed to say where an error is."""
    return yaml.compose(text, Loader=_FastLoader)


def load_pack(path: Path, *, compile_regex: bool = True) -> LoadedPack:
    """A pack file, validated. ``compile_regex=False`` leaves compiling its patterns to
    their first run: for the shipped packs, whose every pattern CI compiles (a user's pack
    is compiled here, so a bad pattern is an error with its line before any message)."""
    shown = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PackError(shown, None, "", f"cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PackError(shown, None, "", "not UTF-8 text") from None
    try:
        data = yaml.load(text, Loader=_FastLoader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise PackError(shown, line, "", f"YAML syntax: {exc.problem}") from None
    if not isinstance(data, dict):
        raise PackError(shown, 1, "", "a pack is a mapping with 'pack' and 'rules'")
    try:
        spec = PackSpec.model_validate(data, context=None if compile_regex else LAZY_REGEX)
    except ValidationError as exc:
        first = exc.errors()[0]
        node = _node_at(_compose(text), tuple(first["loc"]))
        line = node.start_mark.line + 1 if node is not None else None
        msg = problem_text(first)
        raise PackError(shown, line, _field_name(tuple(first["loc"])), msg) from None
    for loc, name in spec.term_set_references():
        if name not in spec.term_sets:
            node = _node_at(_compose(text), loc)
            line = node.start_mark.line + 1 if node is not None else None
            raise PackError(
                shown, line, _field_name(loc, tagged=False), f"unknown term set '@{name}'"
            )
    return LoadedPack(spec=spec, path=shown, sha256=hashlib.sha256(raw).hexdigest())


def build_engine(
    extra_packs: Iterable[Path] = (),
    options: EngineOptions | None = None,
    *,
    shipped: bool = True,
) -> Engine:
    """The shipped zh-CN packs plus any extra pack files or folders, compiled."""
    shipped_files = pack_files([shipped_pack_dir()]) if shipped else []
    packs = [load_pack(p, compile_regex=False) for p in shipped_files]
    packs += [load_pack(p) for p in pack_files(list(extra_packs))]
    return Engine(packs, options)
