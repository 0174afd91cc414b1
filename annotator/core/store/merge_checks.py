"""What `merge` checks in the rows of another database, as strictly as an import.

Each check returns why a value cannot come in (a sentence for the report), or
None; the rules are the import's and the store's own (`label_problem`,
`figure_attrs.check`, `clean_text`, `text_problem`, `lone_surrogate`,
`imported_rows.check_spans`, `span_edges`), never a second copy.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection
from typing import Any

from annotator.core import figure_attrs
from annotator.core.errors import InvalidSpan
from annotator.core.importers.base import lone_surrogate, text_problem
from annotator.core.records import LABELS, label_problem
from annotator.core.span_edges import cuts_a_character
from annotator.core.store.imported_rows import check_spans
from annotator.core.text import article_id, clean_text

NAME_MAX = 200  # characters of an annotator, adjudicator or model name
_ARTICLE_ID = re.compile(r"[0-9a-f]{16}")


def _bad_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def strict_json(value: object) -> Any:
    """JSON text as the exports write it back: no NaN or Infinity; ValueError if not."""
    if not isinstance(value, str):
        raise ValueError(f"not JSON text but {type(value).__name__}")
    try:
        return json.loads(value, parse_constant=_bad_constant)
    except RecursionError:
        raise ValueError("JSON nested too deep") from None


def strict_json_or_none(value: object) -> Any:
    """`strict_json`, with NULL as None (an event with no state before or after)."""
    return None if value is None else strict_json(value)


def string_problem(value: object, what: str, *, optional: bool = False) -> str | None:
    """A string the store can hold (valid Unicode), or None when `optional`."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        return f"{what} is not text"
    broken = lone_surrogate(value, what)
    return f"{broken}: it is not valid Unicode" if broken else None


def name_problem(name: object, what: str = "name") -> str | None:
    """A person's or a model's name: printable text, one line, not too long."""
    problem = string_problem(name, what)
    if problem:
        return problem
    assert isinstance(name, str)
    if not name.strip():
        return f"{what} is empty"
    if len(name) > NAME_MAX:
        return f"{what} {name[:20]!r}… is longer than {NAME_MAX} characters"
    if any(unicodedata.category(c).startswith("C") for c in name):
        return f"{what} {name!r} holds control characters"
    return None


def article_problem(
    given_id: object, text: object, length: int, max_chars: int, title: object, source: object
) -> str | None:
    """Why an article row cannot come in: its text, its id, its title or source."""
    if length > max_chars:
        return f"article too large: {_chars(length)} (the import limit is {_chars(max_chars)})"
    problem = string_problem(text, "its text")
    if problem:
        return problem
    assert isinstance(text, str)
    if not text.strip():
        return "empty article: no text"
    if "\0" in text:
        return "its text holds a NUL character"
    control = text_problem(text, "")  # import's rule: an escape code is no text
    if control is not None:
        return f"its text: {control.message.removesuffix('; article not stored')}"
    if clean_text(text) != text:
        return "its text is not as an import stores it (NFC, LF line ends, no trailing space)"
    if article_id(text) != given_id:
        return f"its id is not the one its text gives ({article_id(text)})"
    return string_problem(title, "its title", optional=True) or string_problem(
        source, "its source"
    )


def _chars(count: int) -> str:
    """A number of characters as a person reads it: millions only from a million."""
    if count >= 1_000_000:
        return f"{count / 1e6:.1f} million characters"
    return f"{count:,} characters"


def meta_of(value: object) -> dict[str, Any] | str:
    """The metadata as a dict, or why it is not a JSON object."""
    try:
        meta = strict_json(value)
    except ValueError as error:
        return f"its metadata is not valid JSON ({error})"
    if not isinstance(meta, dict):
        return "its metadata is not a JSON object"
    broken = lone_surrogate(meta)
    return f"its metadata: {broken}" if broken else meta


def cluster_of(value: object) -> str | None:
    """A near-duplicate cluster is named by an article id; anything else is dropped."""
    return value if isinstance(value, str) and _ARTICLE_ID.fullmatch(value) else None


def span_problem(
    text: str, start: object, end: object, label: object, attrs: object, labels: Collection[str]
) -> tuple[str | None, dict[str, Any]]:
    """Why a span of `text` cannot come in, else None and its attributes checked."""
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
        return f"span {start!r}-{end!r}: offsets are not integers", {}
    assert isinstance(start, int) and isinstance(end, int)
    if not 0 <= start < end <= len(text):
        return f"span {start}-{end} is outside the text ({len(text)} characters)", {}
    problem = label_problem(label)
    if problem:
        return f"span {start}-{end}: {problem}", {}
    try:  # the store's own rule: no white space at an edge (nor only white space)
        check_spans("", text, [(start, end, str(label), {})])
    except InvalidSpan as error:
        return str(error).removeprefix("article : "), {}
    cut = cuts_a_character(text, start, end)
    if cut is not None:
        return (
            f"span {start}-{end} {label} cuts a character in two at {cut} (a letter and its"
            " accent)",
            {},
        )
    if label not in labels:
        return (
            f"span {start}-{end}: label {label!r} is not one of this project's"
            f" ({', '.join(sorted(labels))})",
            {},
        )
    try:
        given = strict_json(attrs)
    except ValueError as error:
        return f"span {start}-{end} {label}: attributes are not valid JSON ({error})", {}
    try:
        if not isinstance(given, dict):
            raise InvalidSpan("attributes are not a JSON object")
        assert isinstance(label, str)
        return None, checked_attrs(label, given)
    except (ValueError, InvalidSpan) as error:
        return f"span {start}-{end} {label}: attributes refused ({error})", {}


def repeated_span(spans: Collection[tuple[Any, ...]]) -> str | None:
    """The first span given twice (start, end and label), as the store refuses it."""
    seen: set[tuple[Any, ...]] = set()
    for span in spans:
        key = tuple(span[:3])
        if key in seen:
            return f"span {key[0]}-{key[1]} {key[2]} is given twice"
        seen.add(key)
    return None


def checked_attrs(label: str, attrs: dict[str, Any]) -> dict[str, Any]:
    """A FIGURE's attributes as the panel checks typed ones (InvalidSpan if they do not
    fit); other labels' as an import takes them from other tools: any JSON object."""
    if label == figure_attrs.FIGURE:
        return figure_attrs.check(label, attrs)
    return attrs


def project_labels(found: Collection[str]) -> frozenset[str]:
    """The label set: ours (records.LABELS) and those this database already holds."""
    return frozenset(LABELS) | frozenset(found)


GOLD_RULES = frozenset({"unanimous", "majority", "review"})
GOLD_STATUSES = frozenset({"in_review", "adjudicated"})


def gold_problem(adjudicator_ok: bool, supporters: object, rule: object) -> str | None:
    """Why a gold span's adjudicator, supporters (a JSON list of names) or rule are refused."""
    if not adjudicator_ok:
        return "a span's adjudicator is not one of the file's valid annotators"
    if rule not in GOLD_RULES:
        return f"rule {str(rule)[:20]!r} is not one of ours"
    try:
        names = strict_json(supporters)
    except ValueError as error:
        return f"supporters are not valid JSON ({error})"
    if not isinstance(names, list) or any(name_problem(n) for n in names):
        return "supporters are not a list of names"
    return None
