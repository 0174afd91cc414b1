"""Label Studio JSON exports: a list of tasks, or one task, 1.x and 0.x forms.

Rules:

- Text: ``data.text``, else the first string in ``data``; a ``data.title``
  string is the title; the other keys of ``data`` are kept in meta.
- Which annotation: 1.x tasks have ``annotations``, 0.x tasks ``completions``.
  A task may hold several (several annotators, or one's redone work): the
  first that is not cancelled (``was_cancelled``) is imported, and
  ``meta["label_studio"]`` counts them (``annotations``, ``cancelled``) and
  names the one ``used`` (its id, else its index). ``predictions`` (machine
  pre-annotations) are only counted. A task with no annotation has spans None.
  The task's other keys (``task_path``, ``created_at``...) are kept in
  ``meta["label_studio"]["task"]``, its ``meta`` object at the top of meta.
- Spans: each result whose ``value`` has integer ``start``/``end`` and
  ``labels`` gives one span a label, labels as they are.
- Ends: 1.x ends are exclusive; 0.x ``completions`` ends are INCLUSIVE (``end``
  is the last character). Each result with a ``value.text`` is checked: the
  exclusive reading ``text[start:end]`` or the inclusive one
  ``text[start:end + 1]`` that gives that text is taken (so mislabelled forms
  are read right), and if neither does, the result is an `InputError` naming
  ``file:line`` (the task's first line) and left out. A result without
  ``value.text`` takes the reading the task's checked results agreed on, else
  the form's: inclusive for ``completions``, exclusive for ``annotations``.
  ``meta["label_studio"]["ends"]`` says which reading was used and why.
- Relations (results of type ``relation``) are kept in
  ``meta["label_studio"]["relations"]``; other results (choices, text areas...)
  in ``meta["label_studio"]["other_results"]``.
- The JSON-MIN export (``{"text", "label": [{"start", "end", "text",
  "labels"}], ...}``, exclusive ends) is read too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.importers.base import (
    Format,
    Read,
    ReadOptions,
    lone_surrogate,
    record_meta,
    shown,
    text_problem,
    too_large,
)
from annotator.core.importers.jsonl_spans import checked_span, json_records
from annotator.core.records import ArticleDraft, Span

_EXCLUSIVE, _INCLUSIVE = "exclusive", "inclusive"
_TASK_KEYS = frozenset(("id", "data", "meta", "annotations", "completions", "predictions"))


def read(path: Path, options: ReadOptions) -> Iterator[Read]:
    for record, where, position in json_records(path, options):
        if isinstance(record, InputError):
            yield record, position
            continue
        for item in _task(record, where, shown(path), options):
            yield item, position


def _task(
    task: Any, where: str, source: str, options: ReadOptions
) -> Iterator[ArticleDraft | InputError]:
    if not isinstance(task, dict):
        yield InputError(where, f"expected a Label Studio task object, found {type(task).__name__}")
        return
    broken = lone_surrogate(task)
    if broken is not None:
        yield InputError(where, f"{broken}: it is not valid Unicode")
        return
    if "data" not in task and isinstance(task.get("text"), str):
        yield from _json_min(task, where, source, options)
        return
    data = task.get("data")
    if not isinstance(data, dict):
        yield InputError(where, 'not a Label Studio task: no "data" object')
        return
    key = "text" if isinstance(data.get("text"), str) else None
    key = key or next((k for k, v in data.items() if isinstance(v, str)), None)
    if key is None:
        yield InputError(where, 'no text in this task\'s "data"')
        return
    text = data[key]
    if len(text) > options.max_chars:
        yield too_large(where, len(text), options)
        return
    control = text_problem(text, where)
    if control is not None:
        yield control
        return
    title = data.get("title") if key != "title" and isinstance(data.get("title"), str) else None
    meta = record_meta(task, where, "task")
    if isinstance(meta, InputError):
        yield meta
        return
    meta.update({k: v for k, v in data.items() if k not in (key, "title")})
    studio: dict[str, Any] = {"id": task.get("id")}
    others = {k: v for k, v in task.items() if k not in _TASK_KEYS}
    if others:
        studio["task"] = others  # task_path, created_at...
    meta["label_studio"] = studio
    form = "annotations" if "annotations" in task else "completions"
    versions = task.get(form)
    if isinstance(task.get("predictions"), list):
        studio["predictions"] = len(task["predictions"])
    if not isinstance(versions, list):
        if versions is not None:
            yield InputError(where, f'"{form}" must be a list, found {type(versions).__name__}')
        yield ArticleDraft(text, title, source, meta, None)
        return
    studio["form"] = form
    studio["annotations"] = len(versions)
    cancelled = [v for v in versions if isinstance(v, dict) and v.get("was_cancelled")]
    studio["cancelled"] = len(cancelled)
    chosen = next(
        (
            (index, v)
            for index, v in enumerate(versions)
            if isinstance(v, dict) and not v.get("was_cancelled")
        ),
        None,
    )
    if chosen is None:
        yield ArticleDraft(text, title, source, meta, None)
        return
    index, version = chosen
    studio["used"] = version.get("id", index)
    results = version.get("result")
    if not isinstance(results, list):
        yield InputError(where, f'the chosen {form[:-1]} has no "result" list')
        yield ArticleDraft(text, title, source, meta, None)
        return
    default = _INCLUSIVE if form == "completions" else _EXCLUSIVE
    spans, problems = _spans(text, results, where, default, studio)
    yield from problems
    yield ArticleDraft(text, title, source, meta, tuple(spans), where=where)


def _spans(
    text: str, results: list[Any], where: str, default: str, studio: dict[str, Any]
) -> tuple[list[Span], list[InputError]]:
    """The spans of one annotation's results, with the ends read as the module doc says."""
    problems: list[InputError] = []
    labelled: list[tuple[dict[str, Any], str | None]] = []  # (value, reading when checked)
    for result in results:
        value = result.get("value") if isinstance(result, dict) else None
        if isinstance(result, dict) and result.get("type") == "relation":
            studio.setdefault("relations", []).append(result)
        elif isinstance(value, dict) and "start" in value and "end" in value:
            labelled.append((value, _reading(text, value)))
        else:
            studio.setdefault("other_results", []).append(result)
    checked = {reading for value, reading in labelled if reading not in (None, "mismatch")}
    if len(checked) == 1:
        fallback = checked.pop()
        why = "checked against value.text"
    else:
        fallback = default
        why = "assumed from the form" if not checked else "mixed, each checked against value.text"
    if labelled:
        studio["ends"] = f"{fallback} ({why})"
    spans: list[Span] = []
    for value, reading in labelled:
        start, end, quoted = value["start"], value["end"], value.get("text")
        if reading == "mismatch":
            problems.append(
                InputError(
                    where,
                    f"span {start}-{end}: neither {_selected(text, start, end)!r} (end "
                    f"exclusive) nor {_selected(text, start, end + 1)!r} (end inclusive) is "
                    f"the quoted {quoted!r}",
                )
            )
            continue
        if (reading or fallback) == _INCLUSIVE and isinstance(end, int):
            end += 1
        labels = value.get("labels")
        if not isinstance(labels, list) or not labels:
            problems.append(InputError(where, f"span {start}-{end} has no labels"))
            continue
        for label in labels:
            span = checked_span(text, start, end, label, where)
            if isinstance(span, InputError):
                problems.append(span)
            else:
                spans.append(span)
    return spans, problems


def _reading(text: str, value: dict[str, Any]) -> str | None:
    """How `value` reads: exclusive, inclusive, mismatch, or None when it quotes no text."""
    start, end, quoted = value["start"], value["end"], value.get("text")
    if not isinstance(quoted, str) or not (isinstance(start, int) and isinstance(end, int)):
        return None
    if 0 <= start < end <= len(text) and text[start:end] == quoted:
        return _EXCLUSIVE
    if 0 <= start <= end < len(text) and text[start : end + 1] == quoted:
        return _INCLUSIVE
    return "mismatch"


def _selected(text: str, start: int, end: int) -> str:
    return text[start:end] if 0 <= start <= end <= len(text) else "<outside the text>"


def _json_min(
    task: dict[str, Any], where: str, source: str, options: ReadOptions
) -> Iterator[ArticleDraft | InputError]:
    text = task["text"]
    if len(text) > options.max_chars:
        yield too_large(where, len(text), options)
        return
    control = text_problem(text, where)
    if control is not None:
        yield control
        return
    studio: dict[str, Any] = {"form": "json-min"}
    results: list[Any] = []
    meta: dict[str, Any] = {}
    for key, value in task.items():
        if key == "text":
            continue
        if (
            isinstance(value, list)
            and value
            and all(isinstance(v, dict) and "start" in v and "end" in v for v in value)
        ):
            results.extend({"value": v} for v in value)
        else:
            meta[key] = value
    meta["label_studio"] = studio
    spans, problems = _spans(text, results, where, _EXCLUSIVE, studio)
    yield from problems
    yield ArticleDraft(text, None, source, meta, tuple(spans), where=where)


FORMAT = Format(
    "label-studio", (".json",), read, "Label Studio JSON export (1.x annotations, 0.x completions)"
)
