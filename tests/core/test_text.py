"""Text cleaning, article identity, titles, and decoding of real bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core import text as text_module
from annotator.core.decoding import decode
from annotator.core.errors import InputError
from annotator.core.records import Span
from annotator.core.text import (
    article_id,
    article_id_and_words,
    clean_text,
    clean_text_and_spans,
    count_words,
    guess_title,
)

PHRASE = "L’élève a reçu 5 € à Noël : « œuvre » déjà vue."


def test_same_text_same_id_whatever_the_line_ends_or_spacing() -> None:
    lf = "Titre\nUn texte.\n"
    assert article_id(clean_text(lf)) == article_id(clean_text("\ufeffTitre\r\nUn texte.\r\n"))
    assert article_id(lf) == article_id("Titre  \n\n Un   texte.")
    assert article_id(lf) != article_id("Titre\nUn autre texte.")
    assert len(article_id(lf)) == 16


def test_clean_text_turns_every_line_end_into_lf_and_composes_accents() -> None:
    assert clean_text("a\r\nb\rc\n") == "a\nb\nc"
    assert clean_text("e\u0301te\u0301") == "été"  # NFD to NFC


def test_titles_of_the_sample_articles(corpus_dir: Path) -> None:
    first = (corpus_dir / "000_76bc734529a87450.txt").read_text(encoding="utf-8")
    second = (corpus_dir / "002_9dd8e93c5f6863b9.txt").read_text(encoding="utf-8")
    assert guess_title(first) == (
        "Plus de 13 000 civils ont pu quitter Alep-Est selon le ministère de la Défense russe"
    )
    assert guess_title(second) is None  # a lede sentence, not a headline
    assert guess_title("Un titre seul") is None  # no body: not a title


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (PHRASE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + PHRASE.encode("utf-8"), "utf-8-sig"),
        (PHRASE.encode("utf-16"), "utf-16"),
        (PHRASE.encode("cp1252"), "cp1252"),
    ],
)
def test_decoding_real_encodings(data: bytes, encoding: str) -> None:
    text, found = decode(data, "f.txt")
    assert (text.removeprefix("\ufeff"), found) == (PHRASE, encoding)


def test_latin1_text_keeps_its_accents() -> None:
    text, _ = decode("Élève à Noël, où ça ?".encode("latin-1"), "f.txt")
    assert text == "Élève à Noël, où ça ?"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "f.txt: empty file"),
        (b" \n\t\n", "f.txt: empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "f.txt: binary file"),
        ("Première ligne é\n".encode() + b"seconde \x81\xfe", "f.txt:2: undecodable bytes"),
    ],
)
def test_bad_bytes_are_named(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as error:
        decode(data, "f.txt")
    assert str(error.value).startswith(message)


def test_spans_of_a_clean_text_keep_their_offsets_and_stop_at_its_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    raw = "Alep, l’Élysée et Paris.  \n "
    spans = [
        Span(0, 4, "LOC"),
        Span(18, 24, "LOC"),
        Span(18, 27, "LOC"),  # into the white space trimmed at the end
        Span(3, 99, "LOC"),  # out of range: returned as given, for the caller to reject
    ]
    fast = clean_text_and_spans(raw, spans)
    assert fast == ("Alep, l’Élysée et Paris.", [*spans[:2], Span(18, 24, "LOC"), spans[3]])
    monkeypatch.setattr(text_module, "_clean_but_the_end", lambda raw: False)
    assert clean_text_and_spans(raw, spans) == fast  # the piece by piece way agrees


def test_spans_move_with_removed_carriage_returns_and_composed_accents() -> None:
    raw = "e\u0301te\u0301\r\nParis"
    text, (summer, paris) = clean_text_and_spans(raw, [Span(0, 5, "MISC"), Span(7, 12, "LOC")])
    assert text == "été\nParis"
    assert (text[summer.start : summer.end], text[paris.start : paris.end]) == ("été", "Paris")


def test_id_and_words_in_one_pass_are_article_id_and_count_words() -> None:
    for text in ("Titre\nUn  texte.", "e\u0301te\u0301 à Alep", ""):
        assert article_id_and_words(text) == (article_id(text), count_words(text))
