"""Reading rule packs: YAML → validated PackSpec, with errors that name file, line and field."""

from __future__ import annotations

import hashlib
import marshal
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..core.concepts import check_concept_examples
from ..core.engine import Engine
from ..core.errors import PackError
from ..core.heap import collector_paused
from ..core.models import problem_text
from ..core.options import EngineOptions
from ..core.rule_spec import MATCH_KINDS, SHIPPED, LoadedPack, PackSpec
from ..core.user_cache import cache_dir, mark_used, write_cache


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
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.suffix in (".yaml", ".yml")
                    and "concepts" not in p.relative_to(path).parts[:-1]  # concept files
                )
            )
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


def check_no_duplicate_keys(shown: str, root: yaml.Node | None) -> None:
    """YAML keeps only the last of two equal keys, so a field written twice (an
    ``examples:`` pasted under the wrong concept, a second ``severity:``) would be lost
    without a word: a :class:`PackError` names the file, the line and the field instead."""
    stack: list[tuple[yaml.Node, str]] = [(root, "")] if root is not None else []
    while stack:
        node, where = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[object, int] = {}
            for key, value in node.value:
                name = key.value
                here = f"{where}.{name}" if where else str(name)
                if name in seen:
                    line = key.start_mark.line + 1
                    reason = (
                        f"'{name}' is written twice (first on line {seen[name]}); "
                        "YAML keeps only the last"
                    )
                    raise PackError(shown, line, here, reason)
                seen[name] = key.start_mark.line + 1
                stack.append((value, here))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, f"{where}[{i}]") for i, item in enumerate(node.value))


def _compose(text: str) -> yaml.Node | None:
    """The node tree, with line marks: only needed to say where an error is."""
    return yaml.compose(text, Loader=_FastLoader)


def parse_with_nodes(text: str) -> tuple[Any, yaml.Node | None]:
    """The YAML data and its node tree (with line marks) from one parse: what ``yaml.load``
    builds, plus the nodes the duplicate-key check and error lines need."""
    loader = _FastLoader(text)
    try:
        root = loader.get_single_node()
        return (loader.construct_document(root) if root is not None else None), root
    finally:
        loader.dispose()


#: parsed pack files kept in the cache (the shipped packs are ~25; edits make new ones)
PACK_CACHE_KEEP = 200

#: names the cache of a parsed pack: the parser and the marshal format it depends on
_PARSED_TAG = (
    f"yaml{yaml.__version__}-{_FastLoader.__name__}-py{sys.version_info[0]}{sys.version_info[1]}"
)


def _parsed(text: str, sha256: str) -> Any:
    """The YAML data of a pack's text. Parsing the shipped packs (500 KB) is a sizeable part
    of a one-message ``msglint check``, so the data is kept in the user's cache folder,
    named by the text's hash, as marshal (plain data: no code runs reading it back). A
    pack with values marshal cannot hold (dates) is parsed every time."""
    cache = cache_dir() / f"pack-{sha256}-{_PARSED_TAG}.marshal"
    try:
        data = marshal.loads(cache.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass
    else:
        mark_used(cache)
        return data
    data = yaml.load(text, Loader=_FastLoader)
    try:
        blob = marshal.dumps(data)
    except ValueError:
        return data
    # every edit of a pack names a new file: keep those of the packs in use, not all ever
    write_cache(cache, blob, family="pack-*.marshal", keep=PACK_CACHE_KEEP)
    return data


def read_text(path: Path) -> tuple[str, bytes, str]:
    """A pack or concept file as shown in errors, its bytes and its UTF-8 text; a file that
    cannot be read or is not UTF-8 is a :class:`PackError` naming it."""
    shown = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PackError(shown, None, "", f"cannot read: {exc.strerror}") from None
    try:
        return shown, raw, raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PackError(shown, None, "", "not UTF-8 text") from None


@contextmanager
def yaml_errors_named(shown: str) -> Iterator[None]:
    """A YAML syntax error inside becomes a :class:`PackError` with the file and line."""
    try:
        yield
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise PackError(shown, line, "", f"YAML syntax: {exc.problem}") from None


def load_pack(path: Path, *, shipped: bool = False) -> LoadedPack:
    """A pack file, validated. A ``shipped`` pack (one of msglint's own, which CI checks in
    full: tests/test_startup.py) skips the checks that cannot fail for it (patterns compile
    on their first run; 'fixed:' examples and '@term set' references are not checked again)
    and has its parsed YAML cached. Any other pack is parsed and checked in full here, so
    a bad pattern is an error with its line before any message is read."""
    shown, raw, text = read_text(path)
    sha256 = hashlib.sha256(raw).hexdigest()
    root: yaml.Node | None = None  # composed only when a user's pack needs it
    with yaml_errors_named(shown):
        if shipped:  # msglint's own packs are checked in CI (tests/test_startup.py)
            data = _parsed(text, sha256)
        else:
            data, root = parse_with_nodes(text)
            check_no_duplicate_keys(shown, root)
    if not isinstance(data, dict):
        raise PackError(shown, 1, "", "a pack is a mapping with 'pack' and 'rules'")
    try:
        spec = PackSpec.model_validate(data, context=SHIPPED if shipped else None)
    except ValidationError as exc:
        first = exc.errors()[0]
        node = _node_at(root or _compose(text), tuple(first["loc"]))
        line = node.start_mark.line + 1 if node is not None else None
        msg = problem_text(first)
        raise PackError(shown, line, _field_name(tuple(first["loc"])), msg) from None
    for loc, name in () if shipped else spec.term_set_references():
        if name not in spec.term_sets:
            node = _node_at(root or _compose(text), loc)
            line = node.start_mark.line + 1 if node is not None else None
            raise PackError(
                shown, line, _field_name(loc, tagged=False), f"unknown term set '@{name}'"
            )
    return LoadedPack(spec=spec, path=shown, sha256=sha256, shipped=shipped)


def _scalar_holding(node: yaml.Node, needle: str) -> yaml.Node | None:
    """The first scalar under ``node`` whose text holds ``needle``."""
    if isinstance(node, yaml.ScalarNode):
        return node if needle in str(node.value) else None
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        children = [v for _, v in node.value]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    return next((n for c in children if (n := _scalar_holding(c, needle)) is not None), None)


def with_line(exc: PackError) -> PackError:
    """``exc`` with its line, where the engine could only say where in the pack it is
    (``loc``, and ``needle``: the words at fault under it); the pack is read again (this is
    the path of an error, not of every start-up)."""
    if exc.line is not None or exc.loc is None:
        return exc
    try:
        _, _, text = read_text(Path(exc.path))
        node = _node_at(_compose(text), exc.loc)
    except (PackError, yaml.YAMLError):
        return exc
    if node is not None and exc.needle:
        node = _scalar_holding(node, exc.needle) or node
    line = node.start_mark.line + 1 if node is not None else None
    return PackError(exc.path, line, exc.field, exc.reason)


def build_engine(
    extra_packs: Iterable[Path] = (),
    options: EngineOptions | None = None,
    *,
    shipped: bool = True,
    cached: bool = False,
) -> Engine:
    """The shipped zh-CN packs plus any extra pack files or folders, compiled.

    ``cached``: read the engine from the user's cache folder when these packs, concepts,
    options and msglint built it before, and keep it there when built
    (:mod:`linter.packs.engine_cache`; the command line's choice, for its start-up)."""
    from . import engine_cache
    from .concept_loader import concept_files, load_concepts  # it reads YAML with our helpers

    paths = ([shipped_pack_dir()] if shipped else []) + list(extra_packs)
    shipped_files = pack_files([shipped_pack_dir()]) if shipped else []
    extra_files = pack_files(list(extra_packs))
    options = options or EngineOptions()

    def key() -> str | None:
        files = [(p, True) for p in shipped_files] + [(p, False) for p in extra_files]
        return engine_cache.cache_key(files, concept_files(paths), options)

    # what is built here stays: a collection would only walk it (see linter.core.heap)
    with collector_paused():
        before = key() if cached else None
        if before is not None and (engine := engine_cache.read(before)) is not None:
            return engine
        packs = [load_pack(p, shipped=True) for p in shipped_files]
        packs += [load_pack(p) for p in extra_files]
        concepts = load_concepts(paths, shipped_pack_dir() if shipped else None)
        try:
            engine = Engine(packs, options, concepts)
        except PackError as exc:
            raise with_line(exc) from None
        # kept only if no file changed while it was built from them
        if before is not None and key() == before:
            engine_cache.write(before, engine)
    return engine


def check_shipped_in_full(engine: Engine) -> None:
    """The checks start-up skips for msglint's own packs and concepts (duplicate keys,
    'fixed:' examples, '@set' references, each concept example on jieba's boundaries), for
    ``msglint test-rules``: someone editing the shipped packs learns there what CI would
    say. Raises :class:`PackError` naming the file, line and field."""
    if not any(p.shipped for p in engine.packs):
        return
    for path in pack_files([shipped_pack_dir()]):
        load_pack(path)
    check_concept_examples(engine.concepts, engine.tokenizer, shipped_too=True)
