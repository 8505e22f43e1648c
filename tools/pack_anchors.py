"""Write or check the ``anchors:`` of every pack regex: a development tool, not run by msglint.

    python tools/pack_anchors.py [--write] [FOLDER]      # default: rules/zh-CN

For each ``pattern:`` in the packs it derives, with :mod:`regex_anchors`, strings one of
which every match contains, choosing among the sets the pattern offers the one rarest in
the packs' own example messages (a sample of collection text: 你/您 count as common,
起诉 as rare) — the choice the engine used to make at every start-up. Without
``--write`` it lists the patterns whose declared anchors differ from that (exit 1 if any);
with ``--write`` it puts the derived anchors into the YAML, on the line after the pattern
(a pattern nothing can be derived for gets none, and always runs). Comments and layout are
left as they are.

Declared anchors need not be these: ``tests/test_pack_anchors.py`` only proves them sound.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

from regex_anchors import required_literals, sample_cost  # noqa: E402

from linter.core.matchers import normalise_term  # noqa: E402
from linter.packs.loader import load_pack, pack_files  # noqa: E402

#: a flow list of anchors wraps after this many characters
_WIDTH = 96


def example_cost(files: list[Path]) -> object:
    """How often a string occurs per example message of these packs."""
    sample = []
    for path in files:
        for rule in load_pack(path, shipped=True).spec.rules:
            examples = [*rule.examples.trigger, *rule.examples.passing]
            sample += [normalise_term(ex.text) for ex in examples]
    return sample_cost("\n".join(sample), len(sample))


def derived_anchors(pattern: str, cost: object) -> list[str] | None:
    """The anchors as the engine reads them: in prepared form (“ as ", lower case …)."""
    found = required_literals(pattern, cost)  # type: ignore[arg-type]
    return None if found is None else sorted({normalise_term(a) for a in found} - {""})


def pattern_nodes(root: yaml.Node) -> Iterator[tuple[yaml.MappingNode, yaml.Node, yaml.Node]]:
    """(mapping, its 'pattern' key, its value) for every pattern in a composed pack."""
    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:  # a YAML alias (*notice) is the node it names: once
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == "pattern" and isinstance(value, yaml.ScalarNode):
                    yield node, key, value
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def anchors_lines(anchors: list[str], indent: int) -> list[str]:
    """``anchors: [...]`` at ``indent``, wrapped into lines of at most ~_WIDTH."""
    items = [json.dumps(a, ensure_ascii=False) for a in anchors]
    pad = " " * indent
    one = f"{pad}anchors: [{', '.join(items)}]"
    if len(one) <= _WIDTH:
        return [one]
    lines, current = [f"{pad}anchors: ["], pad + "  "
    for item in items:
        if len(current) + len(item) + 2 > _WIDTH and current.strip():
            lines.append(current.rstrip())
            current = pad + "  "
        current += item + ", "
    lines.append(current.rstrip().rstrip(","))
    lines.append(f"{pad}]")
    return lines


def rewrite(path: Path, cost: object) -> tuple[str, list[str]]:
    """The pack's text with derived anchors after every pattern; and what changed."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    root = yaml.compose(text)
    edits: list[tuple[int, int, list[str]]] = []  # (first line, end line, new lines)
    changed: list[str] = []
    for mapping, key, value in pattern_nodes(root):
        anchors = derived_anchors(value.value, cost)
        old = next(((k, v) for k, v in mapping.value if k.value == "anchors"), None)
        declared = None if old is None else [n.value for n in old[1].value]
        if declared != anchors:
            changed.append(f"{path.name}:{key.start_mark.line + 1}")
        if old is not None:  # the old anchors go, whatever they were
            edits.append((old[0].start_mark.line, _end_line(old[1]), []))
        if anchors is not None:
            # an alias (pattern: *name) ends on the key's line; its node's marks are the
            # anchored definition's, elsewhere in the file
            aliased = value.start_mark.index < key.start_mark.index
            at = key.start_mark.line + 1 if aliased else _end_line(value)
            edits.append((at, at, anchors_lines(anchors, key.start_mark.column)))
    for first, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        lines[first:end] = new
    return "\n".join(lines), changed


def _end_line(node: yaml.Node) -> int:
    """The index of the first line after ``node``'s text."""
    mark = node.end_mark
    return mark.line if mark.column == 0 else mark.line + 1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "rules" / "zh-CN")
    parser.add_argument("--write", action="store_true", help="write the derived anchors")
    args = parser.parse_args()
    files = pack_files([args.folder])
    cost = example_cost(files)
    changed_all: list[str] = []
    for path in files:
        new_text, changed = rewrite(path, cost)
        changed_all += changed
        if args.write and changed:
            before = yaml.safe_load(path.read_text(encoding="utf-8"))
            after = yaml.safe_load(new_text)
            _without_anchors(before), _without_anchors(after)
            if before != after:  # only anchors may change
                raise SystemExit(f"{path}: rewriting would change more than anchors")
            path.write_text(new_text, encoding="utf-8")
    for where in changed_all:
        print(f"{where}: declared anchors differ from the derived ones")
    verb = "rewritten" if args.write else "differ"
    print(f"{len(changed_all)} patterns {verb}")
    return 1 if changed_all and not args.write else 0


def _without_anchors(value: object) -> None:
    if isinstance(value, dict):
        value.pop("anchors", None)
        for item in value.values():
            _without_anchors(item)
    elif isinstance(value, list):
        for item in value:
            _without_anchors(item)


if __name__ == "__main__":
    sys.exit(main())
