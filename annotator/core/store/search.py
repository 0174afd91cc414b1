"""Typed text to an FTS5 query: whatever is typed is a valid search.

FTS5 gives meaning to quotes, parentheses, `AND`/`OR`/`NOT`/`NEAR`, `*`,
`^`, `-`, `+` and `column:` filters; typed as they come they end in a syntax
error. Here each word typed is one FTS5 string (a quoted phrase, its quotes
doubled), so every character is searched as text and the words must all be
there. sqlite-utils' `quote_fts` does nearly this but turns a lone `"` into
an empty query, which FTS5 refuses.
"""

from __future__ import annotations

PREFIX = "*"


def fts_query(text: str, *, last_is_prefix: bool = False) -> str | None:
    """The FTS5 query for `text`, or None when it holds no word to search.

    A word ending in `*` is a prefix (`macron*` finds "Macronie"). With
    `last_is_prefix` (search as you type) the last word is a prefix too,
    unless a space follows it: the word is finished.
    """
    words = text.replace("\x00", " ").split()  # SQLite ends a string at a NUL
    if last_is_prefix and words and not text[-1].isspace():
        words[-1] += PREFIX
    phrases = []
    for word in words:
        bare = word.rstrip(PREFIX)
        if not bare:  # `*` alone: a prefix of nothing
            continue
        quoted = '"' + bare.replace('"', '""') + '"'
        phrases.append(quoted + PREFIX if bare != word else quoted)
    return " ".join(phrases) or None
