"""Import of real files: good ones in every encoding, and each kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.importing import import_paths
from annotator.core.store import Store
from tests.core.corpus_files import ARTICLES, BAD_FILES, write_mixed_folder


def test_mixed_folder_imports_every_good_file_and_names_every_bad_one(
    store: Store, tmp_path: Path
) -> None:
    folder = write_mixed_folder(tmp_path / "mixed")
    report = import_paths(store, [folder, tmp_path / "nowhere"])

    stored = {store.articles.get(i).text for i in report.added}
    assert stored == set(ARTICLES.values())  # accents intact, no \r, nothing else
    assert all("\r" not in text for text in stored)
    problems = {str(p) for p in report.problems}
    for where, message in BAD_FILES:
        located = str(folder / where) if where != "nowhere" else str(tmp_path / "nowhere")
        assert any(
            p.startswith(f"{located}: {message}") or (p.startswith(located + ":") and message in p)
            for p in problems
        ), (where, message, problems)
    assert len(report.problems) == len(BAD_FILES)
    assert report.skipped == [str(folder / "notes.odt")]
    assert store.integrity_check() == []


def test_importing_the_same_folder_again_adds_nothing(store: Store, tmp_path: Path) -> None:
    folder = write_mixed_folder(tmp_path / "mixed")
    first = import_paths(store, [folder])
    again = import_paths(store, [folder])
    assert again.added == []
    assert {d.article_id for d in again.duplicates} == set(first.added)
    assert store.articles.count() == len(first.added)


def test_duplicates_within_one_run_are_stored_once(store: Store, tmp_path: Path) -> None:
    text = ARTICLES["utf8.txt"]
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(text.replace("\n", "\r\n"), encoding="utf-8")  # same text
    report = import_paths(store, [tmp_path])
    assert len(report.added) == 1 and len(report.duplicates) == 1


def test_jsonl_keeps_ids_titles_and_other_keys_as_metadata(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    record = {
        "id": "afp-42",
        "title": "Un titre",
        "text": "Un texte sur Alep.",
        "meta": {"lang": "fr"},
        "section": "monde",
    }
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    (added,) = import_paths(store, [path]).added
    article = store.articles.get(added)
    assert article.title == "Un titre"
    assert article.meta == {"lang": "fr", "id": "afp-42", "section": "monde"}
    assert article.source == str(path)


def test_csv_with_semicolons_and_cp1252_like_french_spreadsheets(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(
        "titre;text;rubrique\r\nSyrie;Les évacués d’Alep ont reçu 5 000 €.;monde\r\n".encode(
            "cp1252"
        )
    )
    (added,) = import_paths(store, [path]).added
    article = store.articles.get(added)
    assert article.text == "Les évacués d’Alep ont reçu 5 000 €."
    assert article.meta == {"titre": "Syrie", "rubrique": "monde"}


def test_near_duplicates_are_stored_in_one_cluster(
    store: Store, corpus_dir: Path, tmp_path: Path
) -> None:
    original = (corpus_dir / "002_9dd8e93c5f6863b9.txt").read_text(encoding="utf-8")
    edited = original.replace("jeudi", "mercredi").replace("71.000", "72.000")
    (tmp_path / "edited.txt").write_text(edited, encoding="utf-8")
    import_paths(store, [corpus_dir])
    report = import_paths(store, [tmp_path / "edited.txt"])
    (near,) = report.near_duplicates
    (original_id,) = [
        a.id
        for a in store.articles.list()
        if a.id != near.article_id and a.title.startswith("Depuis")
    ]
    assert near.cluster == original_id and near.similarity > 0.8
    clusters = {a.id: a.cluster for a in store.articles.list()}
    assert clusters[original_id] == clusters[near.article_id] == original_id
    assert sum(1 for c in clusters.values() if c) == 2  # the other sample stays alone


def test_full_text_search_ignores_accents_and_survives_odd_queries(
    store: Store, corpus_dir: Path
) -> None:
    import_paths(store, [corpus_dir])
    hits = store.articles.list(search="russe defense")
    assert len(hits) == 2
    assert len(store.articles.list(search="ministere defense")) == 1  # "ministre" in the other
    assert next(a.title for a in store.articles.list(search="Konachenkov")).startswith("Plus de")
    assert store.articles.list(search='l’Est "AND OR (') == []
    assert store.articles.count_where(search="Choïgou") == 1


def test_cancelling_leaves_whole_articles_and_a_rerun_finishes(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "many.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(1200):
            out.write(json.dumps({"text": f"Article numéro {i} sur la situation à Alep."}) + "\n")
    calls = []
    report = import_paths(
        store, [path], batch_size=100, progress=calls.append, cancelled=lambda: len(calls) >= 550
    )
    assert report.cancelled
    assert store.articles.count() == len(report.added) == 550
    assert store.integrity_check() == []
    rerun = import_paths(store, [path])
    assert len(rerun.added) == 650 and len(rerun.duplicates) == 550
    assert store.articles.count() == 1200


@pytest.mark.parametrize("fmt", ["txt", "jsonl", "csv"])
def test_progress_reaches_the_total(store: Store, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"one.{fmt}"
    body = {
        "txt": "Un article.",
        "jsonl": '{"text": "Un article."}\n',
        "csv": "text\nUn article.\n",
    }[fmt]
    path.write_text(body, encoding="utf-8")
    seen = []
    import_paths(store, [path], progress=seen.append)
    assert seen[-1].done == seen[-1].total == path.stat().st_size


def test_articles_and_their_spans_are_stored_together_or_not_at_all(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "annotated.jsonl"
    record = {"text": "Réunion à Rennes.", "spans": [{"start": 10, "end": 16, "label": "LOC"}]}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")

    def fail(*args: object) -> None:
        raise OSError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(store.annotations, "import_many", fail)
        with pytest.raises(OSError):
            import_paths(store, [path], annotator="alice")
    assert store.articles.count() == 0  # so running it again imports the spans too
    report = import_paths(store, [path], annotator="alice")
    assert (len(report.added), report.spans) == (1, 1)


def test_a_lone_surrogate_is_named_with_its_line_and_the_rest_lands(
    store: Store, tmp_path: Path
) -> None:
    """JSON can escape half a surrogate pair; no text can hold it, nor can SQLite store it."""
    path = tmp_path / "broken.jsonl"
    path.write_text(
        '{"text": "Alep, jeudi."}\n'
        '{"text": "Un \\ud83d tout seul."}\n'
        '{"text": "Le drapeau \\ud83c\\uddeb\\ud83c\\uddf7 est entier."}\n'
        '{"text": "Un titre cassé.", "title": "Titre \\udc00"}\n',
        encoding="utf-8",
    )
    report = import_paths(store, [path])
    texts = {store.articles.get(i).text for i in report.added}
    assert "Alep, jeudi." in texts and "Le drapeau 🇫🇷 est entier." in texts
    problems = [str(p) for p in report.problems]
    assert any(p.startswith(f"{path}:2: ") and "lone surrogate (U+D83D)" in p for p in problems)
    assert any(p.startswith(f"{path}:4: ") and '"title" holds a lone' in p for p in problems)
    assert len(problems) == 2
    assert store.integrity_check() == []
