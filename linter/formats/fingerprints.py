"""Stable identities of findings, shared by the baseline and SARIF ``partialFingerprints``.

A finding is named by the message's key path, the rule and the text it matched — never by a
line or column — so reordering a file, adding templates above one, or moving a template keeps
its fingerprint; editing the matched words (or fixing them) gives a new one. Two identical
findings in one message share a fingerprint; the baseline counts them.
"""

from __future__ import annotations

import hashlib
import unicodedata

#: bump when the recipe changes, so old baselines are recognised as such
FINGERPRINT_VERSION = "v1"


def fingerprint(message_id: str, rule: str, matched: str) -> str:
    """16 hex digits from the key path, the rule id and the matched text (NFC, trimmed)."""
    matched = unicodedata.normalize("NFC", matched).strip()
    key = "\x1f".join((FINGERPRINT_VERSION, message_id, rule, matched))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
