"""Which encoding an input file is in, and writing text back in that same encoding.

Templates in Chinese organisations are often saved as GBK by older editors and Excel, or
as UTF-16 by Windows tools. The order tried:

1. a byte-order mark says it: UTF-8, UTF-16 LE/BE or UTF-32 LE/BE (the BOM is kept on write);
2. a NUL byte with no BOM: binary (or UTF-16 without a BOM, which cannot be told from it);
3. strict UTF-8 — text in any other encoding almost never reads as valid UTF-8, so a file
   that does is taken as UTF-8 whatever it holds (as before);
4. strict GB18030, which covers GBK and GB2312. GB18030 maps nearly every byte sequence to
   *some* character, so decoding alone proves little: the text must also look like text —
   no control characters besides tab, newline, carriage return and form feed, and no
   private-use or unassigned code points, which GBK text never holds but Latin-1, Shift-JIS
   or binary read as GB18030 often does.

Anything else is "in no readable encoding": an error for that file, never an empty one.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Encoding:
    """How a file's bytes became text: the codec and the byte-order mark before it."""

    codec: str
    bom: bytes = b""

    @property
    def label(self) -> str:
        names = {"utf-8": "UTF-8", "utf-16-le": "UTF-16 LE", "utf-16-be": "UTF-16 BE"}
        names |= {"utf-32-le": "UTF-32 LE", "utf-32-be": "UTF-32 BE", "gb18030": "GB18030"}
        return names.get(self.codec, self.codec) + (" with BOM" if self.bom else "")

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.codec)


UTF8 = Encoding("utf-8")
GB18030 = Encoding("gb18030")

#: longest first: the UTF-32 LE mark begins with the UTF-16 LE one
BOMS = (
    Encoding("utf-32-le", codecs.BOM_UTF32_LE),
    Encoding("utf-32-be", codecs.BOM_UTF32_BE),
    Encoding("utf-8", codecs.BOM_UTF8),
    Encoding("utf-16-le", codecs.BOM_UTF16_LE),
    Encoding("utf-16-be", codecs.BOM_UTF16_BE),
)

UNREADABLE = "not text in UTF-8, UTF-16 with a BOM, or GB18030/GBK: not linted"
BINARY = "binary file (NUL bytes; UTF-16 needs a BOM): not linted"

_TEXT_CONTROLS = frozenset("\t\n\r\f")


class Undecodable(Exception):
    """Bytes in no encoding msglint reads; ``str(exc)`` says why, in one line."""


def _has_controls(text: str) -> bool:
    return any(
        unicodedata.category(ch) == "Cc" and ch not in _TEXT_CONTROLS
        for ch in text
        if ch < " " or "\x7f" <= ch <= "\x9f"
    )


def _looks_like_gb_text(text: str) -> bool:
    if _has_controls(text):
        return False
    return not any(unicodedata.category(ch) in ("Co", "Cn", "Cs") for ch in text if ord(ch) > 0x7F)


def decode_bytes(raw: bytes) -> tuple[str, Encoding]:
    """The text of ``raw`` and the encoding it was in; raises Undecodable."""
    for enc in BOMS:
        if raw.startswith(enc.bom):
            try:
                text = raw[len(enc.bom) :].decode(enc.codec)
            except UnicodeDecodeError as exc:
                at = exc.start + len(enc.bom)
                raise Undecodable(f"starts with a {enc.label} mark but byte {at} is not") from None
            if "\x00" in text:
                raise Undecodable(BINARY)
            return text, enc
    if b"\x00" in raw:
        raise Undecodable(BINARY)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return text, UTF8
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        raise Undecodable(UNREADABLE) from None
    if not _looks_like_gb_text(text):
        raise Undecodable(UNREADABLE)
    return text, GB18030
