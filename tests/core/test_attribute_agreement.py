"""Two FIGURE spans agree only if their attributes agree: agreement, disagreements, gold.

Alice accepts "Plus de 13 000 civils" as the recogniser read it (13000, more
than); Bob marks the same characters but reads 1300, exact; Carol types
13000.0 for Alice's 13000 (the same number). Issue #12, defect 5.
"""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.adjudication import auto, supported_spans
from annotator.core.agreement import (
    AgreementInput,
    ArticleInput,
    AttributeCounts,
    agreement,
)
from annotator.core.attribute_agreement import attribute_key
from annotator.core.editing import ArticleEditor
from annotator.core.importing import import_paths
from annotator.core.preannotation.run import preannotate
from annotator.core.records import Span, Status
from annotator.core.review import ReviewEditor
from annotator.core.store import Store
from annotator.core.team_agreement import team_agreement
from tests.core.agreement_helpers import corpora

PHRASE = "Plus de 13 000 civils"
BOB_READS = {"value": 1300, "qualifier": "exact", "unit": "civils"}


def figure_at_start(editor: ArticleEditor) -> Any:
    """The annotation over the title's "Plus de 13 000 civils" (characters 0-21)."""
    (item,) = [
        i
        for i in editor.ordered()
        if i.span.label == "FIGURE" and (i.span.start, i.span.end) == (0, len(PHRASE))
    ]
    return item


def annotate(store: Store, name: str, figure_attrs: dict[str, Any] | None = None) -> None:
    """Accept every suggestion of every article; give the first FIGURE other attributes."""
    editor = ArticleEditor(store, name)
    for article_id in store.articles.ids():
        editor.open(article_id)
        editor.accept_all()
        if figure_attrs is not None and editor.text.startswith(PHRASE):
            editor.set_attrs(figure_at_start(editor).key, figure_attrs)
        editor.set_status(Status.DONE)


@pytest.fixture
def team(tmp_path: Path, corpus_dir: Path, pipeline) -> Path:  # type: ignore[no-untyped-def]
    """The sample corpus pre-annotated by the real pipeline; alice, bob and carol finished it."""
    db = tmp_path / "team.db"
    with Store.open(db) as store:
        import_paths(store, [corpus_dir])
        preannotate(store, pipeline=pipeline)
        annotate(store, "alice")
        annotate(store, "bob", BOB_READS)
        first = store.articles.ids()[0]
        (alice_figure,) = [
            a.span
            for a in store.annotations.for_article(first, "alice")
            if (a.span.start, a.span.end, a.span.label) == (0, len(PHRASE), "FIGURE")
        ]
        assert alice_figure.attrs["value"] == 13000  # as the recogniser read it
        assert alice_figure.attrs["qualifier"] == "more_than"
        annotate(store, "carol", {**alice_figure.attrs, "value": 13000.0})
    return db


def test_span_f1_stays_but_figure_values_and_disagreements_say_it(team: Path) -> None:
    with Store.open(team) as store:
        first = store.articles.ids()[0]
        report = team_agreement(store, ["alice", "bob"])
    # Same characters and labels everywhere: span F1 is 1, the values are not all equal.
    assert report.span_scores("alice", "bob", "strict").micro.f1 == 1.0
    values = report.figure_value("alice", "bob").micro
    assert values.compared >= 3  # the title's, the sentence's and "de 50 à 100 obus"
    assert values.agreed == values.compared - 1
    assert report.figure_value("bob", "alice") == report.figure_value("alice", "bob")
    assert report.figure_value("alice", "bob").by_article[first].agreed == (
        report.figure_value("alice", "bob").by_article[first].compared - 1
    )

    (found,) = report.disagreements
    assert (found.article, found.start, found.end, found.kind) == (
        first,
        0,
        len(PHRASE),
        "attributes",
    )
    assert found.said["alice"][0].attrs["value"] == 13000
    assert found.said["bob"][0].attrs == BOB_READS

    out = json.loads(json.dumps(report.to_json()))
    assert out["figure_values"]["micro"]["alice"]["bob"] == values.to_json()
    assert out["figure_values"]["micro"]["alice"]["bob"]["agreement"] < 1
    assert out["disagreements"] == [found.to_json()]
    assert out["disagreements"][0]["said"]["bob"][0]["attrs"]["value"] == 1300


def test_numbers_agree_by_value(team: Path) -> None:
    """13000 and 13000.0 are one value: alice and carol agree everywhere."""
    with Store.open(team) as store:
        report = team_agreement(store, ["alice", "carol"])
    values = report.figure_value("alice", "carol").micro
    assert values.compared >= 3 and values.agreed == values.compared
    assert len(report.disagreements) == 0
    assert attribute_key({"value": 13000}) == attribute_key({"value": 13000.0, "note": "x"})
    assert attribute_key({"value": 1.2 * 1e9}) == attribute_key({"value": 1_200_000_000})
    assert attribute_key({"value": 13000}) != attribute_key({"value": 1300})


def test_unanimous_adjudication_leaves_differing_attributes_to_review(team: Path) -> None:
    with Store.open(team) as store:
        first = store.articles.ids()[0]
        report = auto(store, rule="unanimous", annotators=["alice", "bob"])
        gold = store.gold.for_article(first)
        assert (0, len(PHRASE)) not in {(g.span.start, g.span.end) for g in gold}
        assert store.gold.status(first) == "in_review"
        assert report.left == 2  # alice's version and bob's
        # Everything else they marked alike is gold, with its attributes.
        assert any(g.span.label == "FIGURE" and g.span.attrs.get("value") for g in gold)

        # In review both versions are there to pick from, neither taken on opening.
        review = ReviewEditor(store, "lead", ["alice", "bob"])
        review.open(first)
        versions = sorted(
            (c.supporters, c.span.attrs["value"], c.contested) for c in review.candidates.values()
        )
        assert versions == [(("alice",), 13000, True), (("bob",), 1300, True)]


def test_majority_takes_no_span_whose_supporters_read_it_differently(team: Path) -> None:
    """Alice and carol agree, bob does not: a person decides, not the count."""
    with Store.open(team) as store:
        first = store.articles.ids()[0]
        auto(store, rule="majority", annotators=["alice", "bob", "carol"])
        gold = {(g.span.start, g.span.end) for g in store.gold.for_article(first)}
        assert (0, len(PHRASE)) not in gold
        assert store.gold.status(first) == "in_review"


def test_supported_spans_group_by_attributes() -> None:
    versions = {
        "alice": [Span(0, 21, "FIGURE", {"value": 13000, "qualifier": "more_than"})],
        "bob": [
            Span(0, 21, "FIGURE", {"value": 1300, "qualifier": "exact"}),
            Span(30, 35, "LOC"),
        ],
        "carol": [
            Span(0, 21, "FIGURE", {"value": 13000.0, "qualifier": "more_than"}),
            Span(30, 35, "LOC"),
        ],
    }
    found = {(s.span.start, s.supporters, s.contested): s for s in supported_spans(versions)}
    assert set(found) == {
        (0, ("alice", "carol"), True),
        (0, ("bob",), True),
        (30, ("bob", "carol"), False),
    }
    assert not found[(0, ("alice", "carol"), True)].allowed_by("majority")  # 2 of 3, contested
    assert found[(30, ("bob", "carol"), False)].allowed_by("majority")


# --- on random corpora, against a plain statement of the rule ------------------------------

READINGS = (
    {},
    {"value": 13000, "qualifier": "more_than", "unit": "civils"},
    {"value": 13000.0, "qualifier": "more_than", "unit": "civils"},  # the same reading
    {"value": 1300, "qualifier": "exact", "unit": "civils"},
)


@st.composite
def figure_corpora(draw: st.DrawFn) -> tuple[AgreementInput, tuple[str, ...]]:
    """Random corpora whose LOC spans become FIGUREs, each with one of a few readings."""
    data, names = draw(corpora())
    articles = []
    for art in data.articles:
        spans = {
            name: [
                Span(s.start, s.end, "FIGURE", dict(draw(st.sampled_from(READINGS))))
                if s.label == "LOC"
                else s
                for s in mine
            ]
            for name, mine in art.spans.items()
        }
        articles.append(ArticleInput(art.id, art.text, art.tokens, spans))
    return AgreementInput(articles), names


def first_readings(data: AgreementInput, name: str) -> dict[tuple, tuple]:
    """(article, start, end, label) -> attribute key of the first such span (twins count once)."""
    out: dict[tuple, tuple] = {}
    for art in data.articles:
        for s in art.spans[name]:
            out.setdefault((art.id, s.start, s.end, s.label), attribute_key(s.attrs))
    return out


@settings(max_examples=150, deadline=None)
@given(figure_corpora())
def test_figure_values_and_disagreements_follow_the_rule(case) -> None:  # type: ignore[no-untyped-def]
    data, names = case
    report = agreement(data)
    readings = {n: first_readings(data, n) for n in names}
    for a, b in combinations(names, 2):
        both = [k for k in readings[a] if k in readings[b] and k[3] == "FIGURE"]
        agreed = sum(readings[a][k] == readings[b][k] for k in both)
        assert report.figure_value(a, b).micro == AttributeCounts(len(both), agreed)
    # Readings never change span F1.
    plain = AgreementInput(
        [
            ArticleInput(
                art.id,
                art.text,
                art.tokens,
                {n: [Span(*_place(s)) for s in spans] for n, spans in art.spans.items()},
            )
            for art in data.articles
        ]
    )
    without = agreement(plain)
    assert report.spans == without.spans
    listed = report.disagreements
    assert listed.to_json() == [d.to_json() for d in listed]
    # Disagreements: those on characters and labels, plus those on readings alone.
    by_place = {(d.article, d.start, d.end) for d in without.disagreements}
    extra = [d for d in listed if (d.article, d.start, d.end) not in by_place]
    assert {(d.article, d.start, d.end) for d in listed} >= by_place
    assert all(d.kind == "attributes" for d in extra)
    for d in listed:
        if d.kind != "attributes":
            continue
        marked = {n: {(s.start, s.end, s.label) for s in spans} for n, spans in d.said.items()}
        assert len({frozenset(m) for m in marked.values()}) == 1  # the same spans...
        read = [
            {attribute_key(x.attrs) for n in names for x in d.said[n] if _place(x) == _place(s)}
            for s in d.said[names[0]]
        ]
        assert any(len(k) > 1 for k in read)  # ...read differently somewhere
    # Every span all marked alike but read differently is in a listed disagreement.
    for key in set.intersection(*(set(readings[n]) for n in names)):
        if len({readings[n][key] for n in names}) > 1:
            article_id, start, end, _ = key
            assert any(
                d.article == article_id and d.start <= start and end <= d.end for d in listed
            )


def _place(span: Span) -> tuple[int, int, str]:
    return (span.start, span.end, span.label)
