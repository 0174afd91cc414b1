"""What an action of the event log did, in words a person reads in a status bar.

Undo may reach into another article or another window's work: before it does
anything, the person is told what will be undone and where.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotator.core.errors import NotFound
from annotator.core.records import Event, snippet

if TYPE_CHECKING:
    from annotator.core.store import Store

_WIDTH = 40


def describe(store: Store, rows: list[Event]) -> str:
    """One action (its event rows) as a short phrase naming what and where."""
    if not rows:
        return "nothing"
    texts: dict[str, str] = {}
    # A first edit moves the article to "in progress" in the same action: not news.
    spans = [r for r in rows if not r.kind.endswith("status.set")] or rows
    words = list(dict.fromkeys(_row_words(store, row, texts) for row in spans))
    if len(words) > 3:
        words = [*words[:3], f"{len(words) - 3} more changes"]
    what = ", ".join(words)
    article = rows[0].article_id
    return f"{what} in “{_title(store, article)}”" if article else what


def _row_words(store: Store, row: Event, texts: dict[str, str]) -> str:
    kind, state = row.kind, row.after if row.after is not None else row.before
    if kind.startswith("annotation.") or kind.startswith("gold."):
        verb = {
            "annotation.add": _added_verb(state),
            "annotation.delete": "deletion of",
            "annotation.update": "change of",
            "gold.add": "gold span",
            "gold.delete": "removal from gold of",
        }.get(kind, kind)
        return f"{verb} {_span_words(store, row.article_id, state, texts)}"
    if kind.startswith("rejection."):
        verb = "rejection of" if kind.endswith("add") else "withdrawn rejection of"
        suggestion = store.suggestions.get(int(str(row.entity_id).split("/")[1]))
        if suggestion is None:
            return f"{verb} a suggestion"
        s = suggestion.span
        state = {"start": s.start, "end": s.end, "label": s.label}
        return f"{verb} {_span_words(store, row.article_id, state, texts)}"
    if kind in ("status.set", "goldstatus.set"):
        status = (row.after or {}).get("status", "todo")
        return f"status {str(status).replace('_', ' ')}"
    return kind


def _added_verb(state: dict[str, Any] | None) -> str:
    origin = (state or {}).get("origin")
    return {"accepted": "acceptance of", "edited": "edit of"}.get(str(origin), "new span")


def _span_words(
    store: Store, article_id: str | None, state: dict[str, Any] | None, texts: dict[str, str]
) -> str:
    if not state or article_id is None or "start" not in state:
        return "a span"
    if article_id not in texts:
        try:
            texts[article_id] = store.articles.get(article_id).text
        except NotFound:
            texts[article_id] = ""
    covered = snippet(texts[article_id][state["start"] : state["end"]], _WIDTH)
    return f"{state.get('label', '')} “{covered}”"


def _title(store: Store, article_id: str) -> str:
    try:
        article = store.articles.get(article_id)
    except NotFound:
        return article_id[:12]
    return snippet(article.title or article.text, _WIDTH)
