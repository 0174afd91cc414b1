"""What the stateful test checks after every step, as plain functions over a store file.

- `replayed`: the human work the event log describes, rebuilt from the log alone;
- `stored`: the same tables as they are;
- `shown` / `store_view`: the spans a window shows, and what a fresh read shows.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from annotator.core.editing import ArticleEditor
from annotator.core.store import Store

Work = dict[str, dict[str, Any]]


def stored(db: Path) -> Work:
    """Annotations, rejections and statuses by the keys the event log uses."""
    with closing(sqlite3.connect(db)) as conn:
        annotations = {
            str(r[0]): {"start": r[1], "end": r[2], "label": r[3], "attrs": json.loads(r[4])}
            for r in conn.execute('SELECT id, start, "end", label, attrs FROM annotations')
        }
        rejections = {
            f"{r[0]}/{r[1]}": True
            for r in conn.execute("SELECT annotator_id, suggestion_id FROM rejections")
        }
        statuses = {
            f"{r[0]}/{r[1]}": {"status": r[2], "comment": r[3]}
            for r in conn.execute(
                "SELECT annotator_id, article_id, status, comment FROM article_status"
            )
        }
    return {"annotation": annotations, "rejection": rejections, "status": statuses}


def replayed(db: Path) -> Work:
    """The same tables rebuilt from the event log alone, each row's `after` in order."""
    work: Work = {"annotation": {}, "rejection": {}, "status": {}}
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT kind, entity_id, after FROM events ORDER BY id").fetchall()
    for kind, entity_id, after_text in rows:
        after = None if after_text is None else json.loads(after_text)
        entity = kind.split(".", 1)[0]
        if entity == "annotations":  # an import: the article's spans and status at once
            for row_id, start, end, label, attrs in after["annotations"]:
                work["annotation"][str(row_id)] = _span(start, end, label, attrs)
            work["status"][entity_id] = _status(after["status"])
        elif entity == "annotation":
            _put(work["annotation"], entity_id, after and _span(**_fields(after)))
        elif entity == "rejection":
            _put(work["rejection"], entity_id, after and True)
        elif entity == "status":
            _put(work["status"], entity_id, after and _status(after))
    return work


def store_view(db: Path, article_id: str, annotator: str) -> dict:
    """The items a freshly opened editor shows for this article and annotator."""
    with Store.open(db) as other:
        editor = ArticleEditor(other, annotator)
        editor.open(article_id)
        return items_of(editor)


def items_of(editor: ArticleEditor) -> dict:
    return {
        key: (i.span.start, i.span.end, i.span.label, json.dumps(i.span.attrs, sort_keys=True))
        for key, i in editor.items.items()
    }


def contradictions(db: Path) -> list[tuple]:
    """Suggestions one annotator both took and rejected, or took twice."""
    with closing(sqlite3.connect(db)) as conn:
        both = conn.execute(
            "SELECT r.suggestion_id FROM rejections r JOIN annotations a"
            " ON a.suggestion_id = r.suggestion_id AND a.annotator_id = r.annotator_id"
        ).fetchall()
        twice = conn.execute(
            "SELECT suggestion_id FROM annotations WHERE suggestion_id IS NOT NULL"
            " GROUP BY annotator_id, suggestion_id HAVING count(*) > 1"
        ).fetchall()
    return both + twice


def _fields(state: dict[str, Any]) -> dict[str, Any]:
    return {k: state[k] for k in ("start", "end", "label", "attrs")}


def _span(start: int, end: int, label: str, attrs: Any) -> dict[str, Any]:
    return {
        "start": start,
        "end": end,
        "label": label,
        "attrs": json.loads(attrs) if isinstance(attrs, str) else attrs,
    }


def _status(state: dict[str, Any]) -> dict[str, Any]:
    return {"status": state["status"], "comment": state["comment"]}


def _put(table: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        table.pop(key, None)
    else:
        table[key] = value
