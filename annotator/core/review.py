"""Reviewing one article's disagreements and deciding its gold (Qt-free).

The lead sees every annotator's spans together, each with its support; spans
that everyone agrees on (attributes included) are taken into gold on opening.
The lead takes a span or a whole annotator's version into gold, drops a gold
span, and finishes the article; after a decision the focus moves on to the
next undecided candidate, so Enter, Enter, ... walks the article once. Every
change is one logged action of the adjudicator, so Ctrl+Z works here as in
annotation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.core.adjudication import SupportedSpan, supported_spans, versions
from annotator.core.editing import Item
from annotator.core.records import Span
from annotator.core.store import Store
from annotator.core.store.gold import GoldCandidate


@dataclass
class ReviewEditor:
    store: Store
    adjudicator: str
    annotators: list[str]
    article_id: str | None = None
    text: str = ""
    candidates: dict[int, SupportedSpan] = field(default_factory=dict)  # by candidate number
    gold: dict[int, Item] = field(default_factory=dict)  # by gold span id
    focus: tuple[str, int] | None = None  # ("candidate", n) or ("gold", id)
    gold_supporters: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def open(self, article_id: str) -> None:
        """Show the article, agreed spans taken into gold, the first undecided one focused."""
        self.article_id = article_id
        self.focus = None  # a key of the previous article means nothing here
        self.text = self.store.articles.get(article_id).text
        agreed = [
            s
            for s in supported_spans(versions(self.store, article_id, self.annotators))
            if s.allowed_by("unanimous")
        ]
        if agreed:
            self.store.gold.take(
                self.adjudicator,
                article_id,
                [GoldCandidate(s.span, s.supporters, "unanimous") for s in agreed],
                status=self.store.gold.status(article_id) or "in_review",
            )
        self._reload()
        self.focus_next_undecided()

    def reload(self) -> None:
        """Read the article's gold and versions again (another window or command wrote)."""
        if self.article_id is not None:
            self._reload()

    def _reload(self) -> None:
        assert self.article_id is not None
        gold = self.store.gold.for_article(self.article_id)
        in_gold = {(g.span.start, g.span.end, g.span.label) for g in gold}
        spans = supported_spans(versions(self.store, self.article_id, self.annotators))
        self.candidates = {
            n: s
            for n, s in enumerate(spans)
            if (s.span.start, s.span.end, s.span.label) not in in_gold
        }
        self.gold = {g.id: Item("annotation", g.id, g.span) for g in gold}
        self.gold_supporters = {g.id: g.supporters for g in gold}
        if self.focus is not None and self.focus[1] not in (
            self.candidates if self.focus[0] == "candidate" else self.gold
        ):
            self.focus = None

    # -- what is shown --------------------------------------------------------

    def items(self) -> list[Item]:
        """Gold spans (solid) and open candidates (pale), for the view."""
        out = list(self.gold.values())
        out += [Item("suggestion", n, s.span) for n, s in self.candidates.items()]
        return sorted(out, key=_order)

    def support_of(self, item: Item) -> str:
        return "gold" if item.kind == "annotation" else self.candidates[item.id].support

    def supporters_of(self, item: Item) -> tuple[str, ...]:
        """Who marked it: a candidate's annotators, or those a gold span was taken from."""
        if item.kind == "annotation":
            return self.gold_supporters.get(item.id, ())
        return self.candidates[item.id].supporters

    def contested(self, item: Item) -> bool:
        """A candidate whose annotators marked its characters and label with other attributes."""
        return item.kind != "annotation" and self.candidates[item.id].contested

    def focused(self) -> Item | None:
        if self.focus is None:
            return None
        kind, key = self.focus
        if kind == "gold":
            return self.gold.get(key)
        candidate = self.candidates.get(key)
        return Item("suggestion", key, candidate.span) if candidate else None

    def focus_next_undecided(self, after: tuple[int, int, str, int] | None = None) -> None:
        """Focus the first candidate after `after` in text order, wrapping round; None if none."""
        undecided = sorted(
            (Item("suggestion", n, s.span) for n, s in self.candidates.items()), key=_order
        )
        later = [i for i in undecided if after is None or _order(i) > after]
        chosen = (later or undecided or [None])[0]
        self.focus = None if chosen is None else ("candidate", chosen.id)

    def focus_next(self, step: int = 1) -> None:
        items = self.items()
        if not items:
            self.focus = None
            return
        keys = [("gold" if i.kind == "annotation" else "candidate", i.id) for i in items]
        index = keys.index(self.focus) + step if self.focus in keys else (0 if step > 0 else -1)
        self.focus = keys[index % len(keys)]

    # -- decisions ------------------------------------------------------------

    def take(self) -> list[Span]:
        """Enter: the focused candidate goes into gold; returns the gold spans it overlaps.

        Overlapping gold is allowed (the JSONL keeps both) but token formats keep
        one of them: the lead is told at once rather than by an export report.
        """
        if self.focus is None or self.focus[0] != "candidate":
            return []
        candidate = self.candidates[self.focus[1]]
        after = self._focused_order()
        self._take([candidate], "review")
        self.focus_next_undecided(after)
        taken = candidate.span
        return [
            g.span
            for g in self.gold.values()
            if g.span.start < taken.end
            and taken.start < g.span.end
            and (g.span.start, g.span.end, g.span.label) != (taken.start, taken.end, taken.label)
        ]

    def take_version(self, annotator: str) -> int:
        """A digit: every span of this annotator's version goes into gold; how many."""
        mine = [s for s in self.candidates.values() if annotator in s.supporters]
        after = self._focused_order()
        if mine:
            self._take(mine, "review")
        self.focus_next_undecided(after)
        return len(mine)

    def drop(self) -> None:
        """Delete: the focused gold span leaves gold (its versions are candidates again)."""
        if self.focus is None or self.focus[0] != "gold":
            return
        after = self._focused_order()
        self.store.gold.remove(self.adjudicator, self.focus[1])
        self._reload()
        self.focus_next_undecided(after)

    def finish(self) -> None:
        """Ctrl+Enter: the article's gold is decided."""
        assert self.article_id is not None
        self.store.gold.set_status(self.adjudicator, self.article_id, "adjudicated")

    def _focused_order(self) -> tuple[int, int, str, int] | None:
        item = self.focused()
        return None if item is None else _order(item)

    def undo(self) -> None:
        self.store.events.undo(self.adjudicator)
        self._reload()

    def _take(self, spans: list[SupportedSpan], rule: str) -> None:
        assert self.article_id is not None
        self.store.gold.take(
            self.adjudicator,
            self.article_id,
            [
                GoldCandidate(
                    Span(s.span.start, s.span.end, s.span.label, s.span.attrs), s.supporters, rule
                )
                for s in spans
            ],
            # An article with gold is at least in review (the list would say "to review").
            status=self.store.gold.status(self.article_id) or "in_review",
        )
        self._reload()


def _order(item: Item) -> tuple[int, int, str, int]:
    """Text order; at the same characters gold ("annotation") before candidates."""
    return (item.span.start, item.span.end, item.kind, item.id)
