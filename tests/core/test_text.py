"""Text cleaning, article identity, titles, and decoding of real bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.decoding import decode
from annotator.core.errors import InputError
from annotator.core.text import article_id, clean_text, guess_title

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
