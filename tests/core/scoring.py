"""Strict scoring of recogniser output against gold spans.

A prediction counts only when its offsets and label both equal a gold span's.
Value accuracy is measured over the FIGUREs found with the right span.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

Key = tuple[int, int, str]


class SpanLike(Protocol):
    start: int
    end: int
    label: str
    attrs: Mapping[str, Any]


@dataclass(frozen=True)
class GoldSpan:
    start: int
    end: int
    label: str
    attrs: Mapping[str, Any]


@dataclass(frozen=True)
class GoldDoc:
    file: str
    text: str
    spans: list[GoldSpan]


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Scores) -> Scores:
        return Scores(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def __str__(self) -> str:
        counts = f"tp={self.tp} fp={self.fp} fn={self.fn}"
        return f"P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} ({counts})"


def load_gold(path: Path) -> list[GoldDoc]:
    docs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            spans = [
                GoldSpan(s["start"], s["end"], s["label"], s.get("attrs") or {})
                for s in row["spans"]
            ]
            docs.append(GoldDoc(row.get("file", ""), row["text"], spans))
    return docs


def _by_key(spans: Iterable[SpanLike], labels: Iterable[str]) -> dict[Key, SpanLike]:
    wanted = set(labels)
    return {(s.start, s.end, s.label): s for s in spans if s.label in wanted}


def score(
    gold: Iterable[SpanLike], predicted: Iterable[SpanLike], labels: Iterable[str]
) -> dict[str, Scores]:
    """Per-label strict scores for one document."""
    labels = list(labels)
    g, p = _by_key(gold, labels), _by_key(predicted, labels)
    return {
        label: Scores(
            tp=sum(1 for k in g if k[2] == label and k in p),
            fp=sum(1 for k in p if k[2] == label and k not in g),
            fn=sum(1 for k in g if k[2] == label and k not in p),
        )
        for label in labels
    }


def same_number(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def value_matches(gold: Iterable[SpanLike], predicted: Iterable[SpanLike]) -> tuple[int, int]:
    """(FIGUREs with the right value, FIGUREs found with the right span)."""
    g, p = _by_key(gold, ["FIGURE"]), _by_key(predicted, ["FIGURE"])
    found = [k for k in g if k in p]
    right = sum(same_number(g[k].attrs.get("value"), p[k].attrs.get("value")) for k in found)
    return right, len(found)


def attrs_match(gold: SpanLike, predicted: SpanLike) -> bool:
    keys = set(gold.attrs) | set(predicted.attrs)
    return all(same_number(gold.attrs.get(k), predicted.attrs.get(k)) for k in keys)


@dataclass(frozen=True)
class Report:
    scores: dict[str, Scores]
    values_right: int
    values_found: int
    errors: list[str]  # one readable line per miss, false alarm or wrong value

    @property
    def value_accuracy(self) -> float:
        return self.values_right / self.values_found if self.values_found else 1.0


def evaluate(
    docs: Iterable[GoldDoc],
    recognize_text: Callable[[str], Iterable[SpanLike]],
    labels: Iterable[str] = ("FIGURE", "DATE"),
) -> Report:
    """Score `recognize_text` over gold documents, summed per label."""
    labels = list(labels)
    totals = {label: Scores(0, 0, 0) for label in labels}
    right = found = 0
    errors: list[str] = []
    for doc in docs:
        predicted = list(recognize_text(doc.text))
        for label, s in score(doc.spans, predicted, labels).items():
            totals[label] += s
        r, f = value_matches(doc.spans, predicted)
        right, found = right + r, found + f
        g, p = _by_key(doc.spans, labels), _by_key(predicted, labels)
        for k in sorted(g.keys() ^ p.keys()):
            kind = "missed" if k in g else "false alarm"
            errors.append(f"{doc.file}: {kind} {k[2]} {doc.text[k[0] : k[1]]!r}")
        for k in sorted(g.keys() & p.keys()):
            if not attrs_match(g[k], p[k]):
                errors.append(f"{doc.file}: {doc.text[k[0] : k[1]]!r} {p[k].attrs} != {g[k].attrs}")
    return Report(totals, right, found, errors)
