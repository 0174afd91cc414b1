"""Near-duplicate signatures: our numpy MinHash is datasketch's, and the index finds edits."""

from __future__ import annotations

import numpy as np
from datasketch import MinHash

from annotator.core import neardup
from annotator.core.neardup import NUM_PERM, NearDuplicateIndex, minhash_values, signature

TEXT = (
    "Les évacuations vont durer. Dans le sud d’Alep, selon un correspondant de l’AFP sur place,"
    " plus de 34 000 personnes ont quitté la deuxième ville de Syrie depuis le 15 décembre."
)


def _datasketch(values: list[int]) -> np.ndarray:
    m = MinHash(num_perm=NUM_PERM, scheme="affine32", hashfunc=int)
    m.update_batch(values)
    return m.hashvalues


def test_minhash_values_are_datasketchs() -> None:
    words = neardup.word_hashes(TEXT)
    shingles = (words[:-2] * 0x9E3779B1 + words[1:-1] * 0x85EBCA77 + words[2:]) & 0xFFFFFFFF
    for values in (shingles, words[:2], shingles[:1], np.array([0, 0xFFFFFFFF], np.uint64)):
        assert np.array_equal(minhash_values(values), _datasketch(values.tolist()))
    assert np.array_equal(minhash_values(np.zeros(0, np.uint64)), _datasketch([]))


def test_word_hashes_lower_case_and_split_on_anything_but_letters_and_digits() -> None:
    same = neardup.word_hashes("Élysée, 3 000 maires ; l’Élysée")
    assert np.array_equal(same, neardup.word_hashes("élysée 3 000 MAIRES l ÉLYSÉE"))
    assert len(same) == 6 and same[0] == same[5] and same[1] != same[2]
    assert len(neardup.word_hashes("😀 un😀deux  ")) == 2  # astral characters are not words
    assert len(neardup.word_hashes(" ,;")) == 0


def test_index_clusters_an_edited_copy_and_not_another_text() -> None:
    index = NearDuplicateIndex()
    first, cluster, _ = index.add("a", TEXT)
    assert cluster is None and first == signature(TEXT)
    _, cluster, similarity = index.add("b", TEXT.replace("durer", "continuer"))
    assert cluster == "a" and similarity >= neardup.THRESHOLD
    assert index.add("c", "Un tout autre article, sur la pêche en Bretagne.")[1] is None
    reloaded = NearDuplicateIndex()
    reloaded.load([("a", "a", first)])  # from the store, as bytes
    assert reloaded.add("d", TEXT + " Fin.")[1] == "a"


def test_hashes_are_those_stored_signatures_were_made_with() -> None:
    """Values of scheme 2 (see SCHEME): a change here must bump it."""
    hashes = neardup.word_hashes("Alep, l’Élysée 2024 " + "x" * 70)  # a word past 64 letters
    assert hashes.tolist() == [301781678, 54327, 3666097299, 178929698, 27789947]
    head = signature("Dans le sud d’Alep, selon un correspondant.")[:16]
    assert head.hex() == "a7e2c63dcb29960825ae0b0cfc429868"


def test_texts_worked_out_together_get_the_signatures_they_get_alone() -> None:
    texts = [TEXT, "", "un", "un deux", "Σ a b", TEXT.upper(), "😀", "a b c", TEXT[:90]] * 5
    together = neardup.sketches(texts)  # over several groups of texts
    assert [s.tobytes() for s in together] == [neardup._sketch(t).tobytes() for t in texts]
    index, alone = NearDuplicateIndex(), NearDuplicateIndex()
    pairs = [(str(i), t) for i, t in enumerate(texts)]
    assert index.add_many(pairs) == [alone.add(i, t) for i, t in pairs]
