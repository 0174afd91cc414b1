"""Any typed text is a valid search: FTS5 syntax is text, `word*` a prefix (issue #12, 8)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.errors import StoreError
from annotator.core.importing import import_paths
from annotator.core.records import ArticleSummary
from annotator.core.store import Store
from annotator.core.store.search import fts_query
from tests.conftest import CORPUS

HOSTILE = [
    '"', '""', "'", "(", ")", "AND", "OR", "NOT", "NEAR", "NEAR(a b, 2)", "*", "**", "-", "+",
    "^", ":", "text:foo", "title:Plus", "{title text}:russe", "Choï*", "macron*", "é", "Défense",
    "l’Est", "13 000", "😀", "🇫🇷", "\x00", "\\", "%", "_", "''", "a\"b", "*russe", "NOT russe",
]  # fmt: skip


@pytest.fixture(scope="module")
def searched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The sample corpus, stored once for the module (searches only read)."""
    path: Path = tmp_path_factory.mktemp("search") / "corpus.db"
    store = Store.open(path)
    assert import_paths(store, [CORPUS]).ok
    yield store
    store.close()


def listed(store: Store, text: str, prefix: bool = False) -> list[ArticleSummary]:
    """The articles a search lists, after checking that counting them gives their number."""
    typed = {"prefix": True} if prefix else {}  # (as the CLI searches: no prefix argument)
    found = store.articles.list(search=text, **typed)
    assert store.articles.count_where(search=text, **typed) == len(found)
    return found


def titles(store: Store, text: str, prefix: bool = False) -> list[str]:
    return [a.title[:6] for a in listed(store, text, prefix)]


@pytest.mark.parametrize("text", HOSTILE + [f"russe {h}" for h in HOSTILE])
@pytest.mark.parametrize("prefix", [False, True])
def test_hostile_input_gives_a_list(searched: Store, text: str, prefix: bool) -> None:
    assert isinstance(listed(searched, text, prefix), list)


@settings(max_examples=300, deadline=None)
@given(
    st.text()
    | st.lists(st.sampled_from(HOSTILE), max_size=6).map(" ".join)
    | st.lists(st.sampled_from(HOSTILE), max_size=6).map("".join),
    st.booleans(),
)
def test_any_text_gives_a_list_and_never_raises(searched: Store, text: str, prefix: bool) -> None:
    assert len(listed(searched, text, prefix)) <= 2


def test_operators_and_quotes_are_searched_as_words(searched: Store) -> None:
    assert titles(searched, '"') == []  # was: fts5: syntax error
    assert titles(searched, "russe AND") == []  # "AND" is a word no article has
    assert titles(searched, "Choïgou NOT") == []
    assert titles(searched, '"Choïgou"') == ["Depuis"]  # quotes typed around a word: the word
    assert titles(searched, "(Choïgou)") == ["Depuis"]
    assert titles(searched, "Choïgou -") == ["Depuis"]  # punctuation alone searches nothing out
    assert titles(searched, "") == titles(searched, "   ") == ["Plus d", "Depuis"]
    assert titles(searched, "*") == []  # text with no word: nothing matches


def test_a_star_makes_a_prefix_and_typing_makes_the_last_word_one(searched: Store) -> None:
    assert titles(searched, "Choïg") == []
    assert titles(searched, "Choïg*") == titles(searched, "choig*") == ["Depuis"]
    assert titles(searched, "russe Choïg", prefix=True) == ["Depuis"]
    assert titles(searched, "russe Choïg ", prefix=True) == []  # a space: the word is finished
    assert titles(searched, "defen", prefix=True) == ["Plus d", "Depuis"]  # accents folded


def test_words_become_quoted_strings() -> None:
    assert fts_query('Macron "Élysée" NEAR(a) text:x') == (
        '"Macron" """Élysée""" "NEAR(a)" "text:x"'
    )
    assert fts_query("macron* l’Est", last_is_prefix=True) == '"macron"* "l’Est"*'
    assert fts_query("* \x00 ") is None


def test_a_search_the_database_refuses_is_an_error_a_user_can_read(tmp_path: Path) -> None:
    path = tmp_path / "broken.db"
    with Store.open(path) as store:
        assert import_paths(store, [CORPUS]).ok
    with sqlite3.connect(path) as db:  # the search index lost (a damaged file)
        db.execute("DROP TABLE articles_fts")
    with Store.open(path) as store:
        with pytest.raises(StoreError, match="the search 'russe' failed"):
            store.articles.list(search="russe")
        assert len(store.articles.list()) == 2  # listing without a search still works
