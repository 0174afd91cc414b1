"""Readers of CoNLL-U and CoNLL token columns: text rebuilt from tokens, NER tags to spans."""

from __future__ import annotations

from pathlib import Path

from annotator.core.importers import conll, conllu
from tests.core.annotated_import_helpers import FIXTURES, only, read, texts

SEQUOIA = FIXTURES / "conllu" / "fr_sequoia-ud-test.conllu"


# CoNLL-U ------------------------------------------------------------------------------------


def test_sequoia_imports_as_text_without_spans() -> None:
    draft = only(conllu.FORMAT, SEQUOIA)
    assert draft.spans is None  # no NER column: a plain article, not an empty annotation
    assert draft.meta["conllu"]["sentences"] == 456
    assert draft.meta["conllu"]["ner"] is None
    lines = draft.text.split("\n")
    assert len(lines) == 456
    assert lines[0].startswith("cela signifie que leur consommation énergétique, qui")
    assert lines[-1] == "Quatrième République."
    # Multi-word tokens count by their surface form: "du", never "de le".
    assert "la formation du gouvernement en Autriche" in lines[2]


def test_sequoia_rebuilt_from_tokens_equals_its_text_lines(tmp_path: Path) -> None:
    stripped = tmp_path / "no_text.conllu"
    source = SEQUOIA.read_text(encoding="utf-8").split("\n")
    stripped.write_text(
        "\n".join(line for line in source if not line.startswith("# text =")), encoding="utf-8"
    )
    assert only(conllu.FORMAT, stripped).text == only(conllu.FORMAT, SEQUOIA).text


_CONLLU = """\
# newdoc id = afp-1
# sent_id = 1
# text = Le président du Conseil constitutionnel est à Paris.
1\tLe\tle\tDET\t_\t_\t2\tdet\t_\t_
2\tprésident\tprésident\tNOUN\t_\t_\t7\tnsubj\t_\t_
3-4\tdu\t_\t_\t_\t_\t_\t_\t_\t_
3\tde\tde\tADP\t_\t_\t5\tcase\t_\tNER=B-ORG
4\tle\tle\tDET\t_\t_\t5\tdet\t_\tNER=I-ORG
5\tConseil\tconseil\tPROPN\t_\t_\t2\tnmod\t_\tNER=I-ORG
6\tconstitutionnel\tconstitutionnel\tADJ\t_\t_\t5\tamod\t_\tNER=I-ORG
7\test\têtre\tAUX\t_\t_\t0\troot\t_\t_
8\tà\tà\tADP\t_\t_\t9\tcase\t_\t_
9\tParis\tParis\tPROPN\t_\t_\t7\tobl\t_\tNER=B-LOC|SpaceAfter=No
10\t.\t.\tPUNCT\t_\t_\t7\tpunct\t_\t_

# newdoc id = afp-2
# sent_id = 2
1\tMme\tmadame\tNOUN\t_\t_\t0\troot\t_\t_
2\tBorne\tBorne\tPROPN\t_\t_\t1\tflat\t_\tNE=I-PER|SpaceAfter=No
3\t.\t.\tPUNCT\t_\t_\t1\tpunct\t_\t_

# sent_id = 3
# text = Elle  est à  Matignon.
1\tElle\til\tPRON\t_\t_\t2\tnsubj\t_\t_
2\test\têtre\tAUX\t_\t_\t0\troot\t_\t_
3\tà\tà\tADP\t_\t_\t4\tcase\t_\t_
4\tMatignon\tMatignon\tPROPN\t_\t_\t2\tobl\t_\tEntity=B-LOC|SpaceAfter=No
5\t.\t.\tPUNCT\t_\t_\t2\tpunct\t_\t_

# sent_id = 4
# text = Un texte qui ne suit pas.
1\tUn\tun\tDET\t_\t_\t2\tdet\t_\t_
2\tautre\tautre\tNOUN\t_\t_\t0\troot\t_\tNER=B-MISC
"""


def test_conllu_ner_in_misc_with_multi_word_tokens_and_documents(tmp_path: Path) -> None:
    path = tmp_path / "ner.conllu"
    path.write_text(_CONLLU, encoding="utf-8")
    drafts, errors = read(conllu.FORMAT, path)
    first, second = drafts
    assert first.text == "Le président du Conseil constitutionnel est à Paris."
    assert texts(first) == [("ORG", "du Conseil constitutionnel"), ("LOC", "Paris")]
    assert first.meta["conllu"]["doc_id"] == "afp-1"
    assert first.meta["conllu"]["ner"] == "MISC NER"
    assert second.text == "Mme Borne.\nElle  est à  Matignon.\nUn texte qui ne suit pas."
    assert texts(second) == [("PER", "Borne"), ("LOC", "Matignon")]  # IOB1 I- starts a chunk
    assert [e.where for e in errors] == [f"{path}:33"]
    assert "'autre'" in errors[0].message


def test_conllu_plus_ner_column(tmp_path: Path) -> None:
    path = tmp_path / "plus.conllu"
    path.write_text(
        "# global.columns = ID FORM MISC NER\n"
        "# text = Macron à Bruxelles\n"
        "1\tMacron\t_\tB-PER\n2\tà\t_\tO\n3\tBruxelles\t_\tB-LOC\n",
        encoding="utf-8",
    )
    draft = only(conllu.FORMAT, path)
    assert texts(draft) == [("PER", "Macron"), ("LOC", "Bruxelles")]
    assert draft.meta["conllu"]["ner"] == "column NER"


# CoNLL --------------------------------------------------------------------------------------

_IOB1 = """\
-DOCSTART- -X- -X- O

EU NNP B-NP I-ORG
rejects VBZ B-VP O
German JJ B-NP I-MISC
call NN I-NP O
to TO B-VP O
boycott VB I-VP O
British JJ B-NP I-MISC
lamb NN I-NP O
. . O O

Peter NNP B-NP I-PER
Blackburn NNP I-NP I-PER
Jean NNP I-NP B-PER

-DOCSTART- -X- -X- O

La\tO
Banque\tB-ORG
de\tI-ORG
France\tI-ORG
Paris\tB-LOC
Lyon\tB-LOC
"""


def test_conll_iob1_and_iob2_documents(tmp_path: Path) -> None:
    path = tmp_path / "news.conll"
    path.write_text(_IOB1, encoding="utf-8")
    drafts, errors = read(conll.FORMAT, path)
    assert errors == []
    first, second = drafts
    assert first.text == "EU rejects German call to boycott British lamb .\nPeter Blackburn Jean"
    assert texts(first) == [
        ("ORG", "EU"),
        ("MISC", "German"),
        ("MISC", "British"),
        ("PER", "Peter Blackburn"),
        ("PER", "Jean"),  # IOB1: B- between two adjacent chunks of one type
    ]
    assert first.meta["conll"]["scheme"] == "IOB1"
    assert second.text == "La Banque de France Paris Lyon"
    assert texts(second) == [("ORG", "Banque de France"), ("LOC", "Paris"), ("LOC", "Lyon")]
    assert second.meta["conll"]["scheme"] == "IOB2"


def test_conll_without_docstart_is_one_article_and_bad_tags_are_named(tmp_path: Path) -> None:
    path = tmp_path / "plain.conll"
    path.write_text(
        "Jacques B-PER\nChirac E-PER\n\nà O\nParis S-LOC\n\nMonsieur PERSON\nX\n", encoding="utf-8"
    )
    drafts, errors = read(conll.FORMAT, path)
    assert len(drafts) == 1
    assert drafts[0].text == "Jacques Chirac\nà Paris\nMonsieur X"
    assert texts(drafts[0]) == [("PER", "Jacques Chirac"), ("LOC", "Paris")]
    assert drafts[0].meta["conll"]["scheme"] == "IOBES"
    assert {e.where: e.message.split(":")[0] for e in errors} == {
        f"{path}:8": "no tag column; read as O",
        f"{path}:7": "unknown tag scheme",
    }
