"""Merging back and forth, by command (issue #13, case 3).

Alice worked on one article on two laptops, differently. After A→B then
B→A, each laptop held its own version again under a second name
(`alice@B` in B), and majority adjudication counted alice twice
(supporters `["alice", "alice@A"]`). A version that is the same work is now
recognised whatever name it comes under, and a vote counts persons.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from annotator.core.importing import import_paths
from annotator.core.persons import person
from annotator.core.records import Span, Status
from annotator.core.store import Store
from tests.cli.test_cli import run
from tests.conftest import CORPUS


def laptop(path: Path, work: dict[str, tuple[str, ...]]) -> None:
    """The sample corpus with each annotator's spans (words of the text) on every article."""
    labels = {"russe": "MISC", "Défense": "ORG"}
    with Store.open(path) as store:
        import_paths(store, [CORPUS])
        for article in store.articles.ids():
            text = store.articles.get(article).text
            for name, words in work.items():
                for word in words:
                    at = text.index(word)
                    store.annotations.add(name, article, Span(at, at + len(word), labels[word]))
                store.statuses.set(name, article, Status.DONE)


def dump(path: Path) -> list[str]:
    """Every row of every table, as SQL."""
    with closing(sqlite3.connect(path)) as conn:
        return list(conn.iterdump())


def merged(other: Path, into: Path) -> str:
    result = run("merge", other, "--db", into)
    assert result.returncode == 0, result.stderr
    return result.stdout


def versions(path: Path) -> dict[tuple[str, str], tuple]:
    """{(annotator, article): (spans, status)} of every version stored."""
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute(
            'SELECT a.name, n.article_id, n.start, n."end", n.label FROM annotations n'
            " JOIN annotators a ON a.id = n.annotator_id ORDER BY 1, 2, 3"
        ).fetchall()
    out: dict[tuple[str, str], list] = {}
    for name, article, *span in rows:
        out.setdefault((name, article), []).append(tuple(span))
    return {key: tuple(spans) for key, spans in out.items()}


def assert_no_person_holds_one_version_twice(path: Path) -> None:
    seen: dict[tuple[str, str, tuple], str] = {}
    for (name, article), spans in versions(path).items():
        key = (person(name), article, spans)
        assert key not in seen, f"{name} and {seen[key]} hold the same version of {article}"
        seen[key] = name


def test_a_round_trip_stores_no_version_twice(tmp_path: Path) -> None:
    a, b = tmp_path / "A.db", tmp_path / "B.db"
    laptop(a, {"alice": ("russe", "Défense")})
    laptop(b, {"alice": ("russe",), "bob": ("Défense",)})

    assert "theirs is kept as alice@A" in merged(a, b)
    assert "theirs is kept as alice@B" in merged(b, a)
    with Store.open(a) as store:
        assert {x.name for x in store.annotators.list()} == {"alice", "alice@B", "bob"}
    with Store.open(b) as store:
        assert {x.name for x in store.annotators.list()} == {"alice", "alice@A", "bob"}
    for path in (a, b):
        assert_no_person_holds_one_version_twice(path)

    # And back again, both ways: nothing changes any more.
    before = dump(a), dump(b)
    assert "0 annotator version(s)" in merged(a, b)
    assert "0 annotator version(s)" in merged(b, a)
    assert (dump(a), dump(b)) == before


def test_merging_twice_is_merging_once(tmp_path: Path) -> None:
    a, b, c = tmp_path / "A.db", tmp_path / "B.db", tmp_path / "C.db"
    laptop(a, {"alice": ("russe", "Défense")})
    laptop(b, {"alice": ("russe",), "bob": ("Défense",)})
    merged(a, b)
    Store.open(c).close()
    merged(b, c)
    once = dump(c)
    merged(b, c)
    assert dump(c) == once
    held = versions(c)
    assert "0 annotator version(s)" in merged(a, c)  # alice's A work is in C as alice@A
    assert versions(c) == held  # (A's own log is new to C, and comes in once)
    once = dump(c)
    merged(a, c)
    assert dump(c) == once


def test_majority_counts_a_person_once(tmp_path: Path) -> None:
    a, b = tmp_path / "A.db", tmp_path / "B.db"
    laptop(a, {"alice": ("russe", "Défense")})
    laptop(b, {"alice": ("russe",), "bob": ("Défense",)})
    merged(a, b)  # B: alice {russe}, alice@A {russe, Défense}, bob {Défense}

    result = run("adjudicate", "--auto", "--rule", "majority", "--db", b)

    assert result.returncode == 0, result.stderr
    # Alice (both versions) has "russe", bob has not; bob has "Défense", one version of
    # alice too: one person of two either way, no majority. Counted by name, 2 of 3 took both.
    assert "0 span(s) taken into gold" in result.stdout, result.stdout
    with closing(sqlite3.connect(b)) as conn:
        supporters = [json.loads(r[0]) for r in conn.execute("SELECT supporters FROM gold_spans")]
    assert supporters == []
