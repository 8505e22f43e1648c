"""Input readers: files and stdin → messages, each located in its source file (which files
a folder gives is walk.py's business).

``.txt`` one message per file · ``.jsonl`` one object per line (``id``, ``text``,
``recipient``, ``channel``, ``send_at``) · ``.csv``/``.xlsx`` one row per message
(read_tables.py) · ``.yaml``/``.yml``/``.json`` every string value is
a message named by its key path; a mapping with a ``text`` key is one message whose
siblings give its context. Where the message text stands in the file character for
character, each character's file position is kept, so spans get exact line:column and
``msglint fix`` can replace just those bytes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from ..core.source import CONTEXT_KEYS, ReadError, SourceFile, SourceMessage, verbatim
from .read_encoding import Encoding, Undecodable, decode_bytes
from .read_tables import read_csv, read_xlsx


def _scalar_offsets(file_text: str, node: yaml.ScalarNode) -> list[int] | None:
    value: str = node.value
    start, end = node.start_mark.index, node.end_mark.index
    if node.style in (None, "'", '"'):
        inner = start + (1 if node.style else 0)
        return verbatim(file_text, value, list(range(inner, inner + len(value))))
    if node.style == "|":
        # A literal block: value line i is file line (header + 1 + i), after the indentation.
        lines = value.split("\n")
        header_end = file_text.index("\n", start) + 1 if "\n" in file_text[start:end] else end
        pos = header_end
        offsets: list[int] = []
        indent: int | None = None
        for i, line in enumerate(lines):
            if pos >= len(file_text):
                break
            eol = file_text.find("\n", pos)
            eol = len(file_text) if eol < 0 else eol
            raw = file_text[pos:eol]
            if indent is None and raw.strip():
                indent = len(raw) - len(raw.lstrip(" "))
            skip = indent or 0
            offsets.extend(range(pos + skip, pos + skip + len(line)))
            if i < len(lines) - 1:
                offsets.append(eol)  # the newline
            pos = eol + 1
        return verbatim(file_text, value, offsets)
    return None


def _walk_yaml(
    node: yaml.Node,
    path: str,
    source: SourceFile,
    out: list[SourceMessage],
    key_lines: tuple[int, ...] = (),
) -> None:
    if isinstance(node, yaml.MappingNode):
        keys = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        text_node = keys.get("text")
        if isinstance(text_node, yaml.ScalarNode) and text_node.tag.endswith(":str"):
            ctx = {k: _plain(keys[k]) for k in CONTEXT_KEYS if k in keys}
            msg_id = keys.get("id")
            name = str(msg_id.value) if isinstance(msg_id, yaml.ScalarNode) else path
            text_key = next(k for k, v in node.value if v is text_node)
            lines = (*key_lines, node.start_mark.line + 1, text_key.start_mark.line + 1)
            out.append(_message_from_scalar(text_node, name or "text", source, ctx, lines))
            return
        for key, value in node.value:
            name = f"{path}.{key.value}" if path else str(key.value)
            _walk_yaml(value, name, source, out, (key.start_mark.line + 1,))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk_yaml(item, f"{path}[{i}]", source, out, (item.start_mark.line + 1,))
    elif isinstance(node, yaml.ScalarNode) and node.tag.endswith(":str") and node.value.strip():
        out.append(_message_from_scalar(node, path or "(root)", source, {}, key_lines))


def _plain(node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_plain(n) for n in node.value]
    return None


def _message_from_scalar(
    node: yaml.ScalarNode,
    name: str,
    source: SourceFile,
    ctx: dict[str, Any],
    key_lines: tuple[int, ...] = (),
) -> SourceMessage:
    offsets = _scalar_offsets(source.text, node)
    line, col = source.position(offsets[0] if offsets else node.start_mark.index)
    lines = tuple(sorted({*key_lines, node.start_mark.line + 1}))
    return SourceMessage(
        source=source.path,
        id=name,
        text=node.value,
        line=line,
        column=col,
        context=ctx,
        offsets=offsets,
        file=source,
        key_lines=lines,
    )


def read_structured(source: SourceFile) -> list[SourceMessage]:
    """YAML and JSON (JSON is YAML's flow style, so one parser gives both the positions)."""
    try:
        root = yaml.compose(source.text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise ReadError(str(source.path), line, f"does not parse: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise ReadError(str(source.path), None, f"does not parse: {exc}") from None
    out: list[SourceMessage] = []
    if root is not None:
        _walk_yaml(root, "", source, out)
    return out


_TEXT_VALUE = re.compile(r'"text"\s*:\s*"')


def read_jsonl(source: SourceFile, errors: list[ReadError]) -> list[SourceMessage]:
    out: list[SourceMessage] = []
    for n, raw in enumerate(source.text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            errors.append(ReadError(str(source.path), n, f"not JSON: {exc.msg}"))
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            errors.append(ReadError(str(source.path), n, "needs an object with a string 'text'"))
            continue
        text = obj["text"]
        line_start = source.line_starts[n - 1]
        offsets = None
        if m := _TEXT_VALUE.search(raw):
            begin = line_start + m.end()
            offsets = verbatim(source.text, text, list(range(begin, begin + len(text))))
        first = offsets[0] if offsets else line_start
        line, col = source.position(first)
        out.append(
            SourceMessage(
                source=source.path,
                id=str(obj.get("id", f"line {n}")),
                text=text,
                line=line,
                column=col,
                context={k: obj[k] for k in CONTEXT_KEYS if k in obj},
                offsets=offsets,
                file=source,
            )
        )
    return out


def read_text_message(source: SourceFile, name: str) -> list[SourceMessage]:
    text = source.text.rstrip("\r\n")
    if not text.strip():
        return []
    return [
        SourceMessage(
            source=source.path,
            id=name,
            text=text,
            line=1,
            column=1,
            offsets=list(range(len(text))),
            file=source,
        )
    ]


def decode(path: str, raw: bytes) -> tuple[str, Encoding]:
    """A file's text and its encoding (see read_encoding); unreadable bytes are a ReadError."""
    try:
        return decode_bytes(raw)
    except Undecodable as exc:
        raise ReadError(path, None, str(exc)) from None


def read_file(path: Path, errors: list[ReadError]) -> list[SourceMessage]:
    """Messages of one file; a broken line of a .jsonl goes to ``errors``, the rest are read."""
    shown = str(path)
    if path.suffix.lower() == ".xlsx":
        return read_xlsx(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReadError(shown, None, f"cannot read: {exc.strerror}") from None
    return read_text(shown, decode(shown, raw)[0], path, errors)


def read_text(shown: str, text: str, path: Path, errors: list[ReadError]) -> list[SourceMessage]:
    """Messages of a file's decoded text (``msglint fix`` reads its edited text again)."""
    source = SourceFile(shown, text)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return read_jsonl(source, errors)
    if suffix == ".csv":
        return read_csv(source, errors)
    if suffix in (".yaml", ".yml", ".json"):
        if suffix == ".json":
            try:
                json.loads(source.text)
            except json.JSONDecodeError as exc:
                raise ReadError(shown, exc.lineno, f"not JSON: {exc.msg}") from None
        return read_structured(source)
    return read_text_message(source, path.name)


def read_stdin(data: str, fmt: str) -> tuple[list[SourceMessage], list[ReadError]]:
    errors: list[ReadError] = []
    source = SourceFile(None, data)
    if fmt == "jsonl":
        messages = read_jsonl(source, errors)
    elif fmt == "csv":
        try:
            messages = read_csv(source, errors)
        except ReadError as exc:
            messages, errors = [], [*errors, exc]
    else:
        messages = read_text_message(source, "stdin")
    for m in messages:  # stdin has no file positions to report
        m.line = m.column = None
        m.file = None
    return messages, errors
