"""One annotator's version of one article, as merge compares them: same work or not."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, NamedTuple

from annotator.core.errors import InvalidSpan
from annotator.core.store.merge_checks import checked_attrs

if TYPE_CHECKING:
    from annotator.core.store.store import Store


class Version(NamedTuple):
    """Spans (start, end, label, attributes as canonical JSON) and the status decided."""

    spans: tuple[tuple[Any, ...], ...]
    status: tuple[str, str | None] | None  # (status, comment); its time is no part of the work

    @property
    def empty(self) -> bool:
        return not self.spans and self.status is None


def canonical_attrs(attrs: dict[str, Any]) -> str:
    """Attributes as stored: sorted keys, so equal attributes are equal text."""
    return json.dumps(attrs, ensure_ascii=False, sort_keys=True)


def _canonical(label: str, stored: str) -> str:
    """Our stored attributes as merge's checks would give them, to compare like with like."""
    try:
        return canonical_attrs(checked_attrs(label, json.loads(stored)))
    except (ValueError, InvalidSpan, TypeError, AttributeError):
        return stored


def version_of(store: Store, annotator: str, article_id: str) -> Version:
    """This store's version of `article_id` by `annotator` (empty when none)."""
    spans = store.db.execute(
        'SELECT n.start, n."end", n.label, n.attrs FROM annotations n JOIN annotators a'
        " ON a.id = n.annotator_id WHERE a.name = ? AND n.article_id = ?",
        [annotator, article_id],
    ).fetchall()
    status = store.db.execute(
        "SELECT s.status, s.comment FROM article_status s JOIN annotators a"
        " ON a.id = s.annotator_id WHERE a.name = ? AND s.article_id = ?",
        [annotator, article_id],
    ).fetchone()
    return Version(
        tuple(sorted((s, e, label, _canonical(label, attrs)) for s, e, label, attrs in spans)),
        tuple(status) if status else None,  # type: ignore[arg-type]
    )
