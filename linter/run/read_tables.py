"""Tables of messages: ``.csv`` and ``.xlsx``, one message per row.

The first row names the columns (case and spaces around the name do not matter). ``text``
is required; ``id`` names the message; a column named like a context field (``recipient``,
``channel``, ``send_at``, ``organization``, and any field MessageContext gains, such as
``timezone``) gives that message's context; other columns (notes, owners …) are not read.
Empty cells are as if the column were not there, and a row whose ``text`` is empty is skipped.

Where a message is:

* CSV: line:column of the text in the file (a row is a line unless a quoted cell holds a line
  break). The text cell's characters keep their file positions when it stands verbatim, so
  spans are exact and ``msglint fix`` can edit the cell in place.
* XLSX: ``line`` is the row and ``column`` the column number (1 = A) of the text cell, in
  every output format; the id, when the sheet has no ``id`` column, is ``Sheet!B3``. Spans
  inside a cell have no file position, so every finding of a cell points at that cell, and
  ``msglint fix`` leaves spreadsheets alone (reported as not fixed).
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..core.models import MessageContext
from ..core.source import CONTEXT_KEYS, ReadError, SourceFile, SourceMessage, verbatim

TEXT, ID = "text", "id"


def context_columns() -> frozenset[str]:
    """Column names read as context: the context fields the readers know."""
    return frozenset(CONTEXT_KEYS) | frozenset(MessageContext.model_fields)


def _header(source: str, cells: Sequence[Any], line: int, where: str = "") -> dict[str, int]:
    names: dict[str, int] = {}
    for i, cell in enumerate(cells):
        name = str(cell).strip().lower() if cell is not None else ""
        if not name:
            continue
        if name in names:
            raise ReadError(source, line, f"{where}column {name!r} appears twice in the header")
        names[name] = i
    if TEXT not in names:
        shown = ", ".join(names) or "none"
        raise ReadError(source, line, f"{where}needs a 'text' column (header columns: {shown})")
    return names


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


def _context(columns: dict[str, int], row: Sequence[Any]) -> dict[str, Any]:
    wanted = context_columns()
    ctx: dict[str, Any] = {}
    for name, i in columns.items():
        if name in wanted and i < len(row) and (value := _cell_text(row[i]).strip()):
            ctx[name] = value
    return ctx


# --- CSV ----------------------------------------------------------------------------------


def _csv_field_offsets(text: str, start: int) -> list[list[int]]:
    """File index of each character of each field of the record at ``start`` (RFC 4180)."""
    fields: list[list[int]] = []
    i, n = start, len(text)
    while True:
        chars: list[int] = []
        if i < n and text[i] == '"':
            i += 1
            while i < n:
                if text[i] == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        chars.append(i)
                        i += 2
                        continue
                    i += 1
                    break
                chars.append(i)
                i += 1
            while i < n and text[i] not in ",\r\n":  # stray text after the closing quote
                chars.append(i)
                i += 1
        else:
            while i < n and text[i] not in ",\r\n":
                chars.append(i)
                i += 1
        fields.append(chars)
        if i < n and text[i] == ",":
            i += 1
            continue
        return fields


def read_csv(source: SourceFile, errors: list[ReadError]) -> list[SourceMessage]:
    """One message per row under the header; a broken row goes to ``errors``."""
    shown = str(source.path or "<stdin>")
    reader = csv.reader(io.StringIO(source.text, newline=""), strict=True)
    columns: dict[str, int] | None = None
    width = 0
    out: list[SourceMessage] = []
    line = 1  # the line the next record starts on
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ReadError(shown, reader.line_num, f"not CSV: {exc}") from None
        start_line, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if columns is None:
            columns, width = _header(shown, row, start_line), len(row)
            continue
        if len(row) > width and any(c.strip() for c in row[width:]):
            reason = f"{len(row)} cells, the header has {width} (a comma in an unquoted cell?)"
            errors.append(ReadError(shown, start_line, reason))
            continue
        col = columns[TEXT]
        text = row[col] if col < len(row) else ""
        if not text.strip():
            continue
        fields = _csv_field_offsets(source.text, source.line_starts[start_line - 1])
        offsets = verbatim(source.text, text, fields[col]) if col < len(fields) else None
        first = offsets[0] if offsets else source.line_starts[start_line - 1]
        at_line, at_col = source.position(first)
        ident = columns.get(ID)
        name = row[ident].strip() if ident is not None and ident < len(row) else ""
        out.append(
            SourceMessage(
                source=source.path,
                id=name or f"line {start_line}",
                text=text,
                line=at_line,
                column=at_col,
                context=_context(columns, row),
                offsets=offsets,
                file=source,
            )
        )
    if columns is None:
        raise ReadError(shown, None, "needs a header row with a 'text' column; the file is empty")
    return out


# --- XLSX ---------------------------------------------------------------------------------


def _column_letter(index: int) -> str:
    # openpyxl loads only when a workbook is read (start-up cost: ~0.08 s on every run otherwise)
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def _sheet_rows(path: Path) -> Iterator[tuple[str, Iterator[tuple[Any, ...]]]]:
    # start-up cost, as above
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():  # openpyxl warns about styles it does not read
            warnings.simplefilter("ignore")
            book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ReadError(str(path), None, f"not an .xlsx workbook: {exc}") from None
    try:
        for sheet in book.worksheets:
            yield sheet.title, sheet.iter_rows(values_only=True)
    finally:
        book.close()


def read_xlsx(path: Path) -> list[SourceMessage]:
    """One message per row of every sheet that has a ``text`` column under its first row."""
    shown = str(path)
    out: list[SourceMessage] = []
    tables = 0
    for title, rows in _sheet_rows(path):
        columns: dict[str, int] | None = None
        for number, row in enumerate(rows, start=1):
            if columns is None:
                if not any(_cell_text(c).strip() for c in row):
                    continue
                try:
                    columns = _header(shown, row, number, f"sheet {title!r}: ")
                except ReadError:
                    break  # a sheet of notes or instructions: not a table of messages
                tables += 1
                continue
            col = columns[TEXT]
            text = _cell_text(row[col]) if col < len(row) else ""
            if not text.strip():
                continue
            cell = f"{title}!{_column_letter(col + 1)}{number}"
            ident = columns.get(ID)
            name = _cell_text(row[ident]).strip() if ident is not None and ident < len(row) else ""
            out.append(
                SourceMessage(
                    source=shown,
                    id=name or cell,
                    text=text,
                    line=number,
                    column=col + 1,
                    context=_context(columns, row),
                )
            )
    if not tables:
        raise ReadError(shown, None, "no sheet has a header row with a 'text' column")
    return out
