"""Reading French numbers: from text to a value, and from a Doc to number spans.

text2num reads number words ("vingt-trois", "deux cents"). What it does not
read is written here: digit groups with French separators, decimal commas,
scale words after digits ("1,2 million"), collective numerals ("une dizaine"),
fractions ("la moitié"), and what a number counts (a unit or a plural noun).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from spacy.lang.fr.stop_words import STOP_WORDS
from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab
from text_to_num import text2num

Value = int | float

# What may sit between two words of one expression: nothing, one space, or
# one no-break space (U+00A0, U+202F). Never a line break.
WORD_GAPS = frozenset({"", " ", "\u00a0", "\u202f"})

_DIGITS = re.compile(
    r"(?P<sign>[+\-−])?"
    # thousands grouped by one separator used throughout, or a plain run of digits
    r"(?P<int>\d{1,3}(?P<sep>[\x20\u00a0\u202f.])\d{3}(?:(?P=sep)\d{3})*|\d+)"
    r"(?:,(?P<frac>\d+))?"
)

SCALES: dict[str, int] = {
    "million": 10**6,
    "millions": 10**6,
    "milliard": 10**9,
    "milliards": 10**9,
    "md": 10**9,
    "mds": 10**9,
    "billion": 10**12,
    "billions": 10**12,
}

# Collective numerals and the round number each stands for.
COLLECTIVES: dict[str, int] = {
    "dizaine": 10,
    "douzaine": 12,
    "quinzaine": 15,
    "vingtaine": 20,
    "trentaine": 30,
    "quarantaine": 40,
    "cinquantaine": 50,
    "soixantaine": 60,
    "centaine": 100,
    "millier": 1000,
}
COLLECTIVES |= {noun + "s": n for noun, n in COLLECTIVES.items()}
# "des millions de": only plural determiners make these collective.
PLURAL_COLLECTIVES: dict[str, int] = {"millions": 10**6, "milliards": 10**9}

# Determiner of a collective numeral -> how many of the collective it means.
# "quelques"/"plusieurs" mean at least two, and `value` is a lower bound
# (the seed gold reads "quelques dizaines" as 20).
COLLECTIVE_DETERMINERS: dict[str, int] = {
    "un": 1,
    "une": 1,
    "des": 1,
    "quelques": 2,
    "plusieurs": 2,
}
_PLURAL_DETERMINERS = frozenset({"des", "quelques", "plusieurs"})

DENOMINATORS: dict[str, int] = {"moitié": 2, "tiers": 3, "quart": 4, "quarts": 4}
_FRACTION_DETERMINERS = frozenset({"la", "le", "un", "une", "les"})

# Number words as single tokens, hyphenated compounds included ("quatre-vingt-dix").
_NUMBER_WORD = (
    r"(?:zéro|une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize"
    r"|quatorze|quinze|seize|vingts?|trente|quarante|cinquante|soixante|septante"
    r"|huitante|octante|nonante|cents?|mille|et)"
)
_WORD_TOKEN = rf"^{_NUMBER_WORD}(?:-{_NUMBER_WORD})*$"

# Unit symbols, as written; the money ones carry a scale ("4,5 M€" is 4 500 000).
UNIT_SYMBOLS: dict[str, int] = dict.fromkeys(
    [
        *("%", "‰", "€", "$", "£", "¥", "°", "°C", "°F"),
        *("km", "km²", "km2", "m", "m²", "m2", "m³", "m3", "cm", "mm", "km/h", "m/s"),
        *("kg", "g", "mg", "µg", "t", "ha", "l", "hl", "cl", "ml"),
        *("kW", "MW", "GW", "kWh", "MWh", "GWh", "TWh", "Mo", "Go", "To"),
    ],
    1,
) | {"k€": 10**3, "M€": 10**6, "Md€": 10**9, "Mds€": 10**9, "M$": 10**6, "Md$": 10**9}
_UNIT_PHRASES = (("pour", "cent"),)

# Words that follow a number without being what it counts.
NOT_COUNTED = (
    frozenset(STOP_WORDS)
    # adjectives that come before the noun: "210 petits combattants" counts "combattants"
    | {"nouveaux", "nouvelles", "premiers", "premières", "derniers", "dernières", "prochains"}
    | {"prochaines", "supplémentaires", "petits", "petites", "grands", "grandes", "gros"}
    | {"grosses", "vieux", "vieilles", "bons", "bonnes", "beaux", "belles", "anciens"}
    | {"anciennes", "fois", "rue", "avenue", "boulevard", "contre", "voire"}
) - {"ha", "gens"}

# Words before a number that make it a reference, not a quantity.
REFERENCE_WORDS = frozenset(
    {
        *("article", "articles", "art.", "alinéa", "amendement", "annexe", "chapitre"),
        *("décret", "loi", "n°", "no", "nº", "°", "numéro", "page", "p.", "paragraphe"),
        *("point", "résolution", "section", "titre", "tome", "volume", "ligne", "route"),
        *("vol", "saison", "épisode", "niveau", "tableau", "figure", "graphique", "isbn"),
    }
)


class NumberKind(StrEnum):
    DIGITS = "digits"
    WORDS = "words"
    COLLECTIVE = "collective"
    FRACTION = "fraction"


@dataclass(frozen=True, slots=True)
class Number:
    """A number read from tokens `doc[start:end]`."""

    start: int
    end: int
    value: Value
    kind: NumberKind
    scale: int = 1  # the factor of a scale word ending the number ("1,2 million")

    @property
    def takes_complement(self) -> bool:
        """Whether what it counts follows as "de/d' + noun" ("une dizaine de bus")."""
        return self.kind is NumberKind.COLLECTIVE or self.scale > 1


def tidy(value: float) -> Value:
    """An int when the value is whole, so 13346 reads as 13346, not 13346.0."""
    return int(value) if float(value).is_integer() else value


def parse_digits(text: str) -> Value | None:
    """ "13 346", "71.000", "7,1", "-12", "+3,5" -> the value; None if not a French number."""
    match = _DIGITS.fullmatch(text)
    if not match:
        return None
    digits = match["int"]
    if match["sep"] is None and len(digits) > 1 and digits.startswith("0"):
        return None  # "01", "007": codes, not quantities
    whole = re.sub(r"\D", "", digits)
    value = float(f"{whole}.{match['frac'] or 0}")
    return tidy(-value if match["sign"] in ("-", "−") else value)


def parse_words(text: str) -> int | None:
    """ "vingt-trois" -> 23, "deux cents" -> 200; None if text2num cannot read it."""
    try:
        return int(text2num(text.lower(), "fr"))
    except ValueError:
        return None


def collective_value(words: list[str]) -> int | None:
    """["quelques", "dizaines"] -> 20, ["des", "dizaines", "de", "milliers"] -> 10000."""
    det, *nouns = (w.lower() for w in words)
    if det not in COLLECTIVE_DETERMINERS or not nouns:
        return None
    value = COLLECTIVE_DETERMINERS[det]
    table = COLLECTIVES | (PLURAL_COLLECTIVES if det in _PLURAL_DETERMINERS else {})
    for k, noun in enumerate(nouns):
        if k % 2:  # the "de"/"d'" linking "des dizaines de milliers"
            if noun not in ("de", "d'", "d’"):
                return None
        elif noun in table:
            value *= table[noun]
            table = COLLECTIVES | PLURAL_COLLECTIVES
        else:
            return None
    return value if len(nouns) % 2 else None


def fraction_value(words: list[str]) -> float | None:
    """["la", "moitié"] -> 0.5, ["les", "deux", "tiers"] -> 0.666…; None without a determiner
    or a numerator ("à moitié" is no fraction)."""
    *head, noun = (w.lower() for w in words)
    if noun not in DENOMINATORS or not head:
        return None
    det = head.pop(0) if head[0] in _FRACTION_DETERMINERS else None
    if not head:
        numerator = 1
    elif len(head) == 1 and (numerator := parse_words(head[0]) or 0) > 1:
        pass
    else:
        return None
    if (noun in ("moitié", "quart") and numerator > 1) or (noun == "quarts" and numerator == 1):
        return None  # "deux quart", "un quarts"
    if numerator == 1 and det in (None, "les"):
        return None  # "moitié" alone, "les tiers" (third parties)
    return numerator / DENOMINATORS[noun]


def gap(doc: Doc, left: int, right: int) -> str:
    """The text between tokens `left` and `right` (built from tokens: doc.text is O(len))."""
    return doc[left].whitespace_ + "".join(t.text_with_ws for t in doc[left + 1 : right])


def next_word(doc: Doc, i: int) -> int | None:
    """The token after token i when only a WORD_GAPS gap separates them."""
    j = i + 1
    while j < len(doc) and doc[j].is_space:
        j += 1
    return j if j < len(doc) and gap(doc, i, j) in WORD_GAPS else None


def prev_word(doc: Doc, i: int) -> int | None:
    """The token before token i when only a WORD_GAPS gap separates them."""
    j = i - 1
    while j >= 0 and doc[j].is_space:
        j -= 1
    return j if j >= 0 and gap(doc, j, i) in WORD_GAPS else None


_SENTENCE_OPENERS = frozenset({".", "!", "?", "«", '"', ":", "-", "—", "–", "…", "("})


def follows_name(doc: Doc, i: int) -> bool:
    """Whether token i comes right after a capitalised word inside a sentence:
    "CAC 40", "Mirage 2000", "vol AF 447" name things, they do not count or date them."""
    j = prev_word(doc, i)
    if j is None or not doc[j].text[:1].isupper():
        return False
    return j > 0 and not doc[j - 1].is_space and doc[j - 1].text not in _SENTENCE_OPENERS


def unit_symbol(doc: Doc, i: int) -> tuple[int, str, int] | None:
    """(end, symbol, scale) of a unit written from token i ("%", "°C", "km/h", "M€")."""
    found = None
    end = i
    while end < len(doc) and end - i < 3 and (end == i or gap(doc, end - 1, end) == ""):
        end += 1
        text = doc[i:end].text
        if text in UNIT_SYMBOLS:
            found = (end, text, UNIT_SYMBOLS[text])
    for phrase in _UNIT_PHRASES:
        j = i + len(phrase)
        if j <= len(doc) and tuple(t.lower_ for t in doc[i:j]) == phrase:
            found = (j, doc[i:j].text, 1)
    return found


def counted_noun(doc: Doc, i: int, plural: bool) -> int | None:
    """End of the one-word noun starting at token i, or None when it is no noun.

    Without a tagger to ask, a noun is a lower-case word that is not a
    function word; after a number of two or more French puts it in the plural,
    which rules out verbs ("300 manifestent") and most adjectives.
    """
    if not doc[i].is_alpha:
        return None
    end = i + 1
    # a compound written with hyphens is one word: "pick-ups", "porte-avions"
    while (
        end + 1 < len(doc)
        and doc[end].text == "-"
        and doc[end + 1].is_alpha
        and gap(doc, end - 1, end) == gap(doc, end, end + 1) == ""
    ):
        end += 2
    word = doc[i:end].text
    if not word[0].islower() or word.lower() in NOT_COUNTED:
        return None
    if plural and not word.endswith(("s", "x", "z")):
        return None
    return end


def unit_after(doc: Doc, number: Number) -> tuple[int, str, int] | None:
    """(end, unit as written, scale) of what `number` counts, or None."""
    i = next_word(doc, number.end - 1)
    if i is None:
        return None
    if symbol := unit_symbol(doc, i):
        return symbol
    plural = abs(number.value) >= 2
    if number.takes_complement:
        if doc[i].lower_ not in ("de", "d'", "d’") or (j := next_word(doc, i)) is None:
            return None
        end = counted_noun(doc, j, plural)
        return (end, doc[j:end].text, 1) if end else None
    end = counted_noun(doc, i, plural)
    return (end, doc[i:end].text, 1) if end else None


class NumberReader:
    """Finds the numbers of a Doc: token patterns propose, the parsers above decide."""

    def __init__(self, vocab: Vocab) -> None:
        self.matcher = Matcher(vocab)
        word = {"LOWER": {"REGEX": _WORD_TOKEN}}
        no_break = {"TEXT": {"IN": ["\u00a0", "\u202f"]}, "OP": "?"}  # "45 millions" with U+00A0
        scale = {"LOWER": {"IN": sorted(SCALES)}}
        de = {"LOWER": {"IN": ["de", "d'", "d’"]}}
        digits = [
            [{"TEXT": {"REGEX": r"^[+\-−]?\d+(?:[.,]\d+)*$"}}],
            [
                {"TEXT": {"REGEX": r"^[+\-−]?\d{1,3}$"}},
                {"TEXT": {"REGEX": r"^(?:\d{3}(?:,\d+)?|[\u00a0\u202f])$"}, "OP": "+"},
            ],
        ]
        self.matcher.add(NumberKind.DIGITS, digits + [[*p, no_break, scale] for p in digits])
        # "deux-cents" splits at its hyphen; text2num reads it back whole
        more_words = {"LOWER": {"REGEX": rf"{_WORD_TOKEN}|^-$"}, "OP": "*"}
        words = [word, more_words]
        self.matcher.add(NumberKind.WORDS, [words, [*words, no_break, scale]])
        collective = [
            {"LOWER": {"IN": sorted(COLLECTIVE_DETERMINERS)}},
            {"LOWER": {"IN": sorted(COLLECTIVES | PLURAL_COLLECTIVES)}},
        ]
        chained = [de, {"LOWER": {"IN": ["milliers", "millions", "milliards"]}}]
        self.matcher.add(NumberKind.COLLECTIVE, [collective, collective + chained])
        fraction = [
            {"LOWER": {"IN": sorted(_FRACTION_DETERMINERS)}, "OP": "?"},
            {**word, "OP": "?"},
            {"LOWER": {"IN": sorted(DENOMINATORS)}},
        ]
        self.matcher.add(NumberKind.FRACTION, [fraction])

    def __call__(self, doc: Doc) -> list[Number]:
        """The numbers of `doc`, left to right, the longest reading at each place."""
        candidates = []
        for match_id, start, end in self.matcher(doc):
            kind = NumberKind(doc.vocab.strings[match_id])
            if number := self._read(doc, kind, start, end):
                candidates.append(number)
        candidates.sort(key=lambda n: (n.start, n.start - n.end))
        numbers: list[Number] = []
        for number in candidates:
            if not numbers or number.start >= numbers[-1].end:
                numbers.append(number)
        return numbers

    @staticmethod
    def _read(doc: Doc, kind: NumberKind, start: int, end: int) -> Number | None:
        words = [t.text for t in doc[start:end]]
        scale = 1
        if kind is NumberKind.COLLECTIVE:
            value: float | None = collective_value(words)
        elif kind is NumberKind.FRACTION:
            value = fraction_value(words)
        else:
            scale = SCALES.get(words[-1].lower(), 1)
            body_end = end
            if scale > 1:
                body_end -= 2 if doc[end - 2].is_space else 1  # "45 millions" with U+00A0
            body = doc[start:body_end].text
            if kind is NumberKind.DIGITS:
                value = parse_digits(body)
            elif body.lower() in ("un", "une") and scale == 1:
                value = None  # the indefinite article, not a number
            else:
                value = parse_words(body)
        return None if value is None else Number(start, end, tidy(value * scale), kind, scale)
