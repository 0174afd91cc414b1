"""Shared by the tests of what exports say about review: five real French articles, one an
annotator status each, a FIGURE in each, and every format read back to what it says."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from annotator.core.exporters.formats import EXPORTERS
from annotator.core.importing import import_paths
from annotator.core.records import Origin, Span, Status
from annotator.core.store import Store
from annotator.core.store.gold import GoldCandidate

ALICE = "alice"
FLAG = "Le chiffre « 13 346 » est-il celui du ministère ? À vérifier."

TEXTS = {
    Status.DONE: "À Lyon, 2 500 personnes ont manifesté samedi contre la réforme des retraites.",
    Status.FLAGGED: "Selon le ministère, 13 346 civils ont été évacués d'Alep en une journée.",
    Status.IN_PROGRESS: "La mairie de Nantes annonce 40 millions d'euros pour les écoles en 2027.",
    Status.SKIPPED: "Près de 300 pompiers luttent depuis mardi contre l'incendie dans les Landes.",
    Status.TODO: "Le Sénat a adopté jeudi le budget par 210 voix contre 115.",
}
FIGURES = {
    Status.DONE: ("2 500 personnes", {"value": 2500, "qualifier": "exact", "unit": "personnes"}),
    Status.FLAGGED: ("13 346 civils", {"value": 13346, "qualifier": "exact", "unit": "civils"}),
    Status.IN_PROGRESS: ("40 millions d'euros", {"value": 40e6, "qualifier": "exact", "unit": "€"}),
    Status.SKIPPED: ("Près de 300 pompiers", {"value": 300, "qualifier": "approx"}),
    Status.TODO: ("210 voix", {"value": 210, "qualifier": "exact", "unit": "voix"}),
}


@dataclass
class Reviews:
    store: Store
    ids: dict[Status, str]  # alice's status -> article id


@pytest.fixture
def reviews(store: Store, tmp_path: Path) -> Reviews:
    """Alice's five articles: done, flagged with a comment, in progress, skipped, never opened.

    Each but the last holds one FIGURE of hers; suggestions cover every article; the lead
    adjudicated the done one and has the flagged one still in review.
    """
    folder = tmp_path / "articles"
    folder.mkdir()
    for status, text in TEXTS.items():
        (folder / f"{status.value}.txt").write_text(text, encoding="utf-8")
    assert import_paths(store, [folder]).ok
    by_text = {store.articles.get(i).text: i for i in store.articles.ids()}
    ids = {status: by_text[text] for status, text in TEXTS.items()}
    spans = {}
    for status, (needle, attrs) in FIGURES.items():
        start = TEXTS[status].index(needle)
        spans[status] = Span(start, start + len(needle), "FIGURE", attrs)
    machine = store.suggestions.set_for("fr_core_news_md", "3.8.0", "1.0.0")
    store.suggestions.add(machine.id, {ids[s]: [spans[s]] for s in Status})
    for status in (Status.DONE, Status.FLAGGED, Status.IN_PROGRESS, Status.SKIPPED):
        store.annotations.add(ALICE, ids[status], spans[status], Origin.MANUAL)  # in progress
    store.statuses.set(ALICE, ids[Status.DONE], Status.DONE)
    store.statuses.set(ALICE, ids[Status.FLAGGED], Status.FLAGGED, FLAG)
    store.statuses.set(ALICE, ids[Status.SKIPPED], Status.SKIPPED)
    for status, gold in ((Status.DONE, "adjudicated"), (Status.FLAGGED, "in_review")):
        candidate = GoldCandidate(spans[status], (ALICE,), "manual")
        store.gold.take("lead", ids[status], [candidate], status=gold)
    return Reviews(store, ids)


# What an export says of each article: {article id: (reviewed, status, comment)}.
Said = dict[str, tuple[bool, str | None, str | None]]


def export_says(store: Store, fmt: str, source: str, out: Path) -> Said:
    """Export `source` (every article) in `fmt`, then read back what each article's record
    says about its review, where that format records it."""
    options = {"split": (1.0, 0.0, 0.0)} if fmt == "spacy" else {}
    report = EXPORTERS[fmt](store, out, source=source, status="all", **options)
    assert not report.cancelled
    return READERS[fmt](out)


def _jsonl(out: Path) -> Said:
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return {r["id"]: _said(r["source"]) for r in lines}


def _prodigy(out: Path) -> Said:
    said = {}
    for line in out.read_text(encoding="utf-8").splitlines():
        task = json.loads(line)
        reviewed, status, comment = _said(task["source"])
        # Prodigy reads "accept" as a person's answer: only on reviewed tasks
        assert (task.get("answer") == "accept") == reviewed, task["source"]
        said[task["meta"]["id"]] = (reviewed, status, comment)
    return said


def _spacy(out: Path) -> Said:
    said = {}
    for doc in DocBin().from_disk(out / "train.spacy").get_docs(spacy.blank("fr").vocab):
        data = doc.user_data["annotator"]
        reviewed, status, comment = _said(data["provenance"])
        assert data["reviewed"] is reviewed
        said[data["id"]] = (reviewed, status, comment)
    return said


def _side_file(path: Path) -> Said:
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {r["id"]: _said(r) for r in lines}


def _conll(out: Path) -> Said:
    said = _side_file(out.with_name(out.name + ".articles.jsonl"))
    # the side file lists the articles in the CoNLL file's order, one a -DOCSTART-
    assert out.read_text(encoding="utf-8").count("-DOCSTART-") == len(said)
    return said


def _brat(out: Path) -> Said:
    said = _side_file(out / "articles.jsonl")
    assert set(said) == {p.stem for p in out.glob("*.ann")}
    return said


def _csv(out: Path) -> Said:
    with out.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert {r["reviewed"] for r in rows} <= {"true", "false"}
    return {
        r["article"]: (r["reviewed"] == "true", r["status"] or None, r["comment"] or None)
        for r in rows
    }


def _said(record: dict) -> tuple[bool, str | None, str | None]:
    assert isinstance(record["reviewed"], bool)
    return record["reviewed"], record.get("status"), record.get("comment")


READERS = {
    "jsonl": _jsonl,
    "prodigy": _prodigy,
    "spacy": _spacy,
    "conll": _conll,
    "brat": _brat,
    "csv": _csv,
}
