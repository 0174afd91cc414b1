"""What makes two articles the same, and what an article's title is."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_LINE_BREAKS = re.compile(r"\r\n?")
# A title line is short and does not end like a sentence ("." but not "…").
_TITLE_MAX_CHARS = 150
_SENTENCE_END = (".", ";", ":", ",")


def clean_text(raw: str) -> str:
    """The text as stored: NFC, LF line ends, no BOM, no trailing white space.

    Leading characters are kept, so offsets made by other tools on the same
    text stay valid; only the end (where no offset can point) is trimmed.
    """
    text = raw.removeprefix("\ufeff")
    if "\r" in text:
        text = _LINE_BREAKS.sub("\n", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text.rstrip()


def identity_text(text: str) -> str:
    """The text reduced to what decides identity: white space runs folded."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


def article_id(text: str) -> str:
    """A stable id derived from the normalised text: the same text, the same id."""
    digest = hashlib.sha256(identity_text(text).encode("utf-8")).hexdigest()
    return digest[:16]


def guess_title(text: str) -> str | None:
    """The first line when it looks like a headline, else None.

    A headline is a short first line, followed by more text, that does not end
    like a sentence. The title stays part of the text so offsets are unchanged.
    """
    first, sep, rest = text.partition("\n")
    first = first.strip()
    if not sep or not rest.strip() or not first:
        return None
    if len(first) > _TITLE_MAX_CHARS or first.endswith(_SENTENCE_END):
        return None
    return first


def count_words(text: str) -> int:
    return len(text.split())
