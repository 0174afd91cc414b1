"""doccano sequence-labelling exports, in the three shapes doccano has written.

Rules:

- ``{"text", "label": [[start, end, "LABEL"], ...]}`` (also spelt ``labels``):
  one span a triple, label as it is. A ``label`` list of plain strings is a
  text-classification export: kept in ``meta["doccano"]["categories"]``, no
  spans (None).
- ``{"text", "annotations": [{"label", "start_offset", "end_offset", "user"}]}``
  (doccano 1.0's download form): ``label`` there is the integer id of a label of
  the project, not its name. Without a label map it becomes the label text
  ``label-<id>`` (``label-2``), and ``meta["doccano"]["label_ids"]`` says so;
  `with_label_map({2: "ORG", ...})` gives a format that names them (an id
  missing from the map stays ``label-<id>``). A string label is kept as it is.
  The users who made the annotations are listed in ``meta["doccano"]["users"]``;
  every user's spans are imported.
- ``{"text", "entities": [{"id", "label", "start_offset", "end_offset"}],
  "relations": [{"from_id", "to_id", "type"}]}``: one span an entity;
  ``meta["doccano"]["relations"]`` keeps the relations as they are and
  ``meta["doccano"]["entity_ids"]`` the entity id of each span, in order.
- Offsets are character offsets into ``text``, end exclusive; a span outside the
  text or without a label is an `InputError` naming ``file:line`` and left out,
  the rest of the record imported. ``meta["doccano"]["shape"]`` names the shape.
- Other keys of a record (``id``, ``Comments``...) are kept in meta, the
  contents of a ``meta`` object at its top, as the jsonl reader does.
- A ``.jsonl`` file may hold one pretty-printed JSON object, or a JSON list:
  see `jsonl_spans.json_records`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.importers.base import (
    Format,
    Read,
    ReadOptions,
    record_meta,
    record_text,
    shown,
)
from annotator.core.importers.jsonl_spans import checked_span, json_records
from annotator.core.records import ArticleDraft, Span

_SPAN_KEYS = ("label", "labels", "annotations", "entities", "relations")


def read(
    path: Path, options: ReadOptions, label_map: Mapping[int, str] | None = None
) -> Iterator[Read]:
    for record, where, position in json_records(path, options):
        if isinstance(record, InputError):
            yield record, position
            continue
        for item in _record(record, where, shown(path), options, label_map or {}):
            yield item, position


def with_label_map(label_map: Mapping[int, str]) -> Format:
    """The doccano format, naming the integer label ids of the 1.0 form with `label_map`."""
    return Format(
        FORMAT.name, FORMAT.extensions, partial(read, label_map=label_map), FORMAT.description
    )


def _record(
    record: Any, where: str, source: str, options: ReadOptions, label_map: Mapping[int, str]
) -> Iterator[ArticleDraft | InputError]:
    text = record_text(record, where, options)
    if isinstance(text, InputError):
        yield text
        return
    meta = record_meta(record, where)
    if isinstance(meta, InputError):
        yield meta
        return
    meta.update({k: v for k, v in record.items() if k not in ("text", "meta", *_SPAN_KEYS)})
    doccano: dict[str, Any] = {}
    spans: list[Span] | None = None
    problems: list[InputError] = []
    if "entities" in record:
        spans = _entities(text, record, where, doccano, problems)
    elif "annotations" in record:
        spans = _annotations(text, record["annotations"], where, label_map, doccano, problems)
    elif "label" in record or "labels" in record:
        key = "label" if "label" in record else "labels"
        spans = _triples(text, record[key], where, doccano, problems)
    if doccano:
        meta["doccano"] = doccano
    yield from problems
    yield ArticleDraft(
        text, None, source, meta, None if spans is None else tuple(spans), where=where
    )


def _triples(
    text: str, items: Any, where: str, doccano: dict[str, Any], problems: list[InputError]
) -> list[Span] | None:
    doccano["shape"] = "label"
    if isinstance(items, str):
        items = [items]
    if not isinstance(items, list):
        problems.append(InputError(where, f'"label" must be a list, found {items!r}'))
        return None
    if items and all(isinstance(item, str) for item in items):
        doccano["categories"] = items
        return None
    spans = []
    for item in items:
        if not (isinstance(item, list) and len(item) == 3):
            problems.append(InputError(where, f"expected [start, end, label], found {item!r}"))
            continue
        span = checked_span(text, item[0], item[1], item[2], where)
        _keep(span, spans, problems)
    return spans


def _annotations(
    text: str,
    items: Any,
    where: str,
    label_map: Mapping[int, str],
    doccano: dict[str, Any],
    problems: list[InputError],
) -> list[Span] | None:
    doccano["shape"] = "annotations"
    if not isinstance(items, list):
        problems.append(InputError(where, f'"annotations" must be a list, found {items!r}'))
        return None
    spans: list[Span] = []
    users: list[Any] = []
    categories: list[Any] = []
    unnamed: set[int] = set()
    for item in items:
        if not isinstance(item, dict):
            problems.append(InputError(where, f"an annotation must be an object, found {item!r}"))
            continue
        if item.get("user") is not None and item["user"] not in users:
            users.append(item["user"])
        label = item.get("label")
        if isinstance(label, int) and not isinstance(label, bool):
            if label not in label_map:
                unnamed.add(label)
            label = label_map.get(label, f"label-{label}")
        if "start_offset" not in item and "end_offset" not in item:
            categories.append(label)
            continue
        span = checked_span(text, item.get("start_offset"), item.get("end_offset"), label, where)
        _keep(span, spans, problems)
    if users:
        doccano["users"] = users
    if unnamed:
        doccano["label_ids"] = (
            f"labels {sorted(unnamed)} are doccano label ids, named label-<id>: "
            "no label map was given"
        )
    if categories:
        doccano["categories"] = categories
        if not spans:
            return None
    return spans


def _entities(
    text: str,
    record: dict[str, Any],
    where: str,
    doccano: dict[str, Any],
    problems: list[InputError],
) -> list[Span] | None:
    doccano["shape"] = "entities"
    items = record["entities"]
    if "relations" in record:
        doccano["relations"] = record["relations"]
    if not isinstance(items, list):
        problems.append(InputError(where, f'"entities" must be a list, found {items!r}'))
        return None
    spans: list[Span] = []
    ids: list[Any] = []
    for item in items:
        if not isinstance(item, dict):
            problems.append(InputError(where, f"an entity must be an object, found {item!r}"))
            continue
        span = checked_span(
            text, item.get("start_offset"), item.get("end_offset"), item.get("label"), where
        )
        if _keep(span, spans, problems):
            ids.append(item.get("id"))
    doccano["entity_ids"] = ids
    return spans


def _keep(span: Span | InputError, spans: list[Span], problems: list[InputError]) -> bool:
    if isinstance(span, InputError):
        problems.append(span)
        return False
    spans.append(span)
    return True


FORMAT = Format("doccano", (".jsonl",), read, "doccano JSON Lines export of span labels")
