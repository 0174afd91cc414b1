"""Article ids from another database are data, not file names (issue #13, case 1).

A database given to `merge` can hold an article whose id is a path
(`../../x/requirements`): `export --format brat` wrote `requirements.txt`
outside `--out`. Ids are now checked against their texts when merged, and an
export never takes a file name from data as it is.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from annotator.cli.main import cli
from annotator.core.exporters.brat import export_brat
from annotator.core.files import inside, safe_name
from annotator.core.importing import import_paths
from annotator.core.records import Span, Status
from annotator.core.store import NewArticle, Store
from annotator.core.text import article_id
from tests.conftest import CORPUS

TEXT = "Le maire de Lyon a reçu 300 lettres."


def forge(path: Path, target: Path) -> str:
    """A database whose one article's id points at `target`, with alice's done work on it."""
    forged = "../" * 12 + str(target).lstrip("/")
    with Store.open(path) as store:
        import_paths(store, [CORPUS])
        store.articles.add([NewArticle(forged, "Lettres", TEXT, "forged", {}, 7)])
        store.annotations.add("alice", forged, Span(12, 16, "LOC"))
        store.statuses.set("alice", forged, Status.DONE)
    return forged


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def test_a_merged_forged_id_is_refused_and_nothing_on_it_comes_in(tmp_path: Path) -> None:
    target = tmp_path / "outside" / "requirements"
    forged = forge(tmp_path / "theirs.db", target)
    ours = tmp_path / "ours.db"
    with Store.open(ours) as store:
        import_paths(store, [CORPUS])

    result = CliRunner().invoke(cli, ["merge", "--db", str(ours), str(tmp_path / "theirs.db")])

    assert result.exit_code == 1
    assert "refused: article" in result.output and "its id is not the one its text gives" in (
        result.output
    )
    with Store.open(ours) as store:
        assert forged not in store.articles.ids()
        assert store.db.execute(
            "SELECT count(*) FROM annotations WHERE article_id = ?", [forged]
        ).fetchone() == (0,)
        assert store.db.execute(
            "SELECT count(*) FROM events WHERE article_id = ?", [forged]
        ).fetchone() == (0,)
        assert len(store.articles.ids()) == 2  # the real articles are all there
        assert store.integrity_check() == []


def test_brat_never_writes_outside_its_folder_whatever_the_ids(tmp_path: Path) -> None:
    """A database merged before this check still holds such ids: the export stays inside."""
    target = tmp_path / "outside" / "requirements"
    target.parent.mkdir()
    db = tmp_path / "old.db"
    forge(db, target)
    out = tmp_path / "export"
    with Store.open(db) as store:
        report = export_brat(store, out, source="alice", status="all")
    assert report.articles == 3
    assert files_under(target.parent) == set()
    written = files_under(out)
    assert all(p.resolve().is_relative_to(out.resolve()) for p in written)
    anns = [p for p in written if p.suffix == ".ann"]
    assert len(anns) == 3
    (forged_txt,) = [p for p in written if p.read_text(encoding="utf-8") == TEXT]
    assert forged_txt.name.endswith(".txt") and "/" not in forged_txt.stem


@given(st.text(max_size=300))
def test_safe_names_are_harmless_and_keep_real_ids(name: str) -> None:
    safe = safe_name(name)
    assert safe and len(safe) <= 64
    assert not safe.startswith(".") and "/" not in safe and "\\" not in safe and "\0" not in safe
    assert all(c.isascii() and (c.isalnum() or c in "._-") for c in safe)
    real = article_id(name or "x")
    assert safe_name(real) == real  # ordinary ids name their files as before
    if safe != name:  # changed names carry a hash of the whole: two never meet
        assert safe_name(name + "x") != safe


def test_inside_refuses_a_name_that_leaves_the_folder(tmp_path: Path) -> None:
    assert inside(tmp_path, "48de4ab37e31cc6d.txt") == tmp_path / "48de4ab37e31cc6d.txt"
    for bad in ("../x.txt", "a/../../x.txt", "/etc/passwd"):
        try:
            inside(tmp_path, bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} accepted")
