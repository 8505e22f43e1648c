"""Reading concept files (``<pack folder>/concepts/*.yaml``) into one ConceptLibrary.

Concepts are shared by all packs: the shipped folder's concepts and those of every pack
folder given on the command line are loaded together; a name defined twice is an error
naming both files. Errors name the file, the line and the field.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import yaml
from pydantic import ValidationError

from ..core.concepts import Concept, ConceptFile, ConceptLibrary, ContextSpec, Where
from ..core.errors import PackError
from ..core.models import problem_text
from .loader import _field_name as field_name
from .loader import _node_at as node_at
from .loader import check_no_duplicate_keys, parse_with_nodes, read_text, yaml_errors_named

#: the folder of a pack folder that holds concept files (never packs)
CONCEPT_DIR = "concepts"


def line_of(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def concept_files(paths: Iterable[Path]) -> list[Path]:
    """The concept files of these pack folders (a pack file has none of its own)."""
    files: list[Path] = []
    for path in paths:
        folder = path / CONCEPT_DIR
        if path.is_dir() and folder.is_dir():
            files.extend(sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml")))
    return files


def _read(path: Path) -> tuple[ConceptFile, yaml.Node | None, str]:
    shown, raw, text = read_text(path)
    with yaml_errors_named(shown):
        data, root = parse_with_nodes(text)
    check_no_duplicate_keys(shown, root)
    if not isinstance(data, dict):
        raise PackError(shown, 1, "", "a concept file is a mapping with 'concepts' or 'context'")
    try:
        spec = ConceptFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        raise PackError(
            shown, line_of(node_at(root, loc)), field_name(loc), problem_text(first)
        ) from None
    return spec, root, hashlib.sha256(raw).hexdigest()


def load_concepts(paths: Iterable[Path], shipped: Path | None = None) -> ConceptLibrary:
    """Every concept file of these pack folders, as one library; those under ``shipped``
    (msglint's own pack folder) are marked so start-up trusts their examples."""
    concepts: dict[str, Concept] = {}
    context: ContextSpec | None = None
    context_where: Where | None = None
    hashes: list[str] = []
    for path in concept_files(paths):
        spec, root, digest = _read(path)
        hashes.append(digest)
        shown = str(path)
        for name, cspec in spec.concepts.items():
            loc = ("concepts", name)
            where = Where(shown, line_of(node_at(root, loc)), f"concepts.{name}")
            if name in concepts:
                other = concepts[name].where
                raise where.error(f"concept {name!r} is also defined in {other.path}:{other.line}")
            examples = [
                Where(shown, line_of(node_at(root, (*loc, "examples", i))), f"{name}.examples[{i}]")
                for i in range(len(cspec.examples))
            ]
            concepts[name] = Concept(
                name=name,
                spec=cspec,
                where=where,
                example_where=examples,
                shipped=shipped is not None and path.is_relative_to(shipped),
            )
        if spec.context is not None:
            here = Where(shown, line_of(node_at(root, ("context",))), "context")
            if context is not None and context_where is not None:
                raise here.error(f"a second context table (the first is in {context_where.path})")
            context, context_where = spec.context, here
    return ConceptLibrary(concepts, context, context_where, hashes)
