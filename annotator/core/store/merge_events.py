"""The other database's event log, appended to ours for audit (`merged.*`), once.

An event is known by a fingerprint of its content, not its id: copies of one
database share ids but not their later events. Events about refused work (an
article, an annotator's version of it, its gold, the work of an annotator
whose name was refused), and events whose states are not valid JSON, do not
come in.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from annotator.core.store import merge_checks as checks
from annotator.core.store.events import Change

if TYPE_CHECKING:
    from annotator.core.store.merge_source import Source
    from annotator.core.store.store import Store

PAGE = 5000  # events read at a time
ACTIONS_A_TRANSACTION = 200  # so a window on this database never waits long


def merge_events(
    store: Store,
    source: Source,
    names: Mapping[Any, str],
    refused: Collection[str],
    refused_work: Collection[tuple[str, str, Any]],
    label: str,
) -> tuple[int, int]:
    """Append the other log's events this log has not got; (appended, refused as invalid)."""
    known = {fingerprint(r) for r in _event_rows(store)}
    known |= {r[0] for r in store.db.execute("SELECT fingerprint FROM merged_events")}
    actions: dict[Any, list[Any]] = {}
    bad = offset = 0
    while page := source.rows(
        "SELECT id, action, at, annotator_id, kind, article_id, entity_id, before, after"
        " FROM events ORDER BY id LIMIT ? OFFSET ?",
        [PAGE, offset],
        "its event log",
    ):
        offset += len(page)
        for raw in page:
            row = (*raw[:3], names.get(raw[3]), *raw[4:])
            if (
                not isinstance(row[4], str)
                or row[4].startswith("merged.")
                or row[5] in refused
                or _about_refused_work(raw, names, refused_work)
            ):
                continue
            try:
                states = (checks.strict_json_or_none(row[7]), checks.strict_json_or_none(row[8]))
                if checks.name_problem(row[4], "kind") or not isinstance(row[2], str):
                    raise ValueError(row[4])
            except ValueError:
                bad += 1
                continue
            print_ = fingerprint(row)
            if print_ not in known:
                known.add(print_)
                actions.setdefault(row[1], []).append((print_, row, states))
    groups = list(actions.values())
    for k in range(0, len(groups), ACTIONS_A_TRANSACTION):
        with store.transaction():
            for group in groups[k : k + ACTIONS_A_TRANSACTION]:
                _log(store, group, label)
    return sum(len(g) for g in groups), bad


def _about_refused_work(
    raw: Any, names: Mapping[Any, str], refused_work: Collection[tuple[str, str, Any]]
) -> bool:
    """Whether an event is about work refused: it carries that work's spans and labels."""
    kind, article_id, annotator_id = raw[4], raw[5], raw[3]
    if annotator_id is not None and annotator_id not in names:
        return True  # an annotator refused by name: none of their work came in
    if kind.startswith(("gold.", "goldstatus.")):
        return (article_id, "gold", None) in refused_work
    return (article_id, "version", annotator_id) in refused_work


def _log(store: Store, group: list[Any], label: str) -> None:
    name = group[0][1][3]
    annotator_id = store.annotators.id_of(name) if name else None
    store.events.log(
        annotator_id,
        [
            Change(
                f"merged.{r[4]}",
                r[5] if isinstance(r[5], str) else None,
                r[6] if isinstance(r[6], str | int) else None,
                before,
                {"from": label, "at": r[2], "state": after},
            )
            for _, r, (before, after) in group
        ],
    )
    store.db.conn.executemany(
        "INSERT INTO merged_events (fingerprint) VALUES (?)", [(f,) for f, _, _ in group]
    )


def _event_rows(store: Store) -> list[Any]:
    return store.db.execute(
        "SELECT e.id, e.action, e.at, a.name, e.kind, e.article_id, e.entity_id, e.before,"
        " e.after FROM events e LEFT JOIN annotators a ON a.id = e.annotator_id"
        " WHERE e.kind NOT LIKE 'merged.%' ORDER BY e.id"
    ).fetchall()


def fingerprint(row: Any) -> str:
    """What an event is, whatever its id in a given database."""
    return hashlib.sha1(
        json.dumps([row[2], row[3], row[4], row[5], row[6], row[7], row[8]]).encode()
    ).hexdigest()
