"""Adjudication: from several annotators' versions of an article to gold.

A span is identified by its characters, label and attributes (a FIGURE's
value, qualifier, unit: `attribute_key`); its *support* is the set of
annotators who have exactly that span. `auto` takes into gold what a rule
allows (unanimous: every annotator; majority: more than half) and leaves the
rest for review in the window. A span whose annotators marked the same
characters and label with different attributes is *contested*: no rule takes
any of its versions; the lead picks one in review.

A vote counts persons, not names: merge keeps a person's conflicting version
from another machine as `alice@OTHER` (`persons.person`), and alice then
supports a span only when every version of hers compared has it, and counts
once, so merging back and forth never makes her count twice.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from annotator.core.attribute_agreement import AttributeKey, attribute_key
from annotator.core.errors import AnnotatorError
from annotator.core.persons import person
from annotator.core.progress import CancelCheck, Progress, ProgressCallback
from annotator.core.records import Span, Status
from annotator.core.store import Store
from annotator.core.store.gold import GoldCandidate

RULES = ("unanimous", "majority")


@dataclass(frozen=True, slots=True)
class SupportedSpan:
    span: Span
    supporters: tuple[str, ...]  # the annotator names whose versions have it
    of: int  # how many persons were compared
    contested: bool = False  # others marked these characters and label with other attributes
    voters: tuple[str, ...] = ()  # the persons it has the vote of (every version of theirs)

    @property
    def support(self) -> str:
        """all / some / one: how the review colours it."""
        if len(self.voters) == self.of:
            return "all"
        return "one" if len(self.supporters) == 1 else "some"

    def allowed_by(self, rule: str) -> bool:
        if self.contested:  # the annotators disagree on the attributes: a person decides
            return False
        if rule == "unanimous":
            return len(self.voters) == self.of
        return len(self.voters) * 2 > self.of


@dataclass
class AdjudicationReport:
    rule: str
    annotators: list[str]
    articles: int = 0  # finished by every annotator, so compared
    adjudicated: int = 0  # nothing left to review
    in_review: int = 0
    taken: int = 0  # spans taken into gold
    left: int = 0  # spans left for review
    skipped: list[str] = field(default_factory=list)  # already adjudicated
    cancelled: bool = False


def finished_by_everyone(store: Store, annotators: Sequence[str]) -> list[str]:
    """Ids of the articles every person among these names finished, in import order.

    A person finished an article when any of their names (alice, alice@OTHER)
    marked it done.
    """
    done: dict[str, set[str]] = defaultdict(set)
    for name in annotators:
        done[person(name)] |= set(store.articles_done_by(name))
    common = set.intersection(*done.values()) if done else set()
    order = {article_id: i for i, article_id in enumerate(store.articles.ids())}
    return sorted(common, key=order.__getitem__)


def finished_by_all(store: Store, annotators: Sequence[str]) -> list[str]:
    """Ids of the articles every one of these annotators marked done, in import order."""
    done = None
    for name in annotators:
        mine = set(store.articles_done_by(name))
        done = mine if done is None else done & mine
    order = {article_id: i for i, article_id in enumerate(store.articles.ids())}
    return sorted(done or (), key=order.__getitem__)


def default_annotators(store: Store) -> list[str]:
    """Everyone who has marked at least one article done."""
    return [a.name for a in store.annotators.list() if store.statuses.count(a.name, Status.DONE)]


def supported_spans(versions: dict[str, list[Span]]) -> list[SupportedSpan]:
    """Every distinct span of the versions (attributes included), with who has it.

    In text order, then label; versions of one span that differ by attributes
    come in the order of their first supporter's name.
    """
    supporters: dict[tuple[int, int, str, AttributeKey], list[str]] = defaultdict(list)
    first: dict[tuple[int, int, str, AttributeKey], Span] = {}
    for name, spans in versions.items():
        for span in spans:
            key = (span.start, span.end, span.label, attribute_key(span.attrs))
            if name not in supporters[key]:
                supporters[key].append(name)
            first.setdefault(key, span)
    names_of: dict[str, set[str]] = defaultdict(set)
    for name in versions:
        names_of[person(name)].add(name)
    attributes_per_span = Counter(key[:3] for key in supporters)
    found = [
        SupportedSpan(
            first[key],
            tuple(sorted(names)),
            len(names_of),
            attributes_per_span[key[:3]] > 1,
            tuple(sorted(p for p, theirs in names_of.items() if theirs <= set(names))),
        )
        for key, names in supporters.items()
    ]
    return sorted(found, key=lambda s: (s.span.start, s.span.end, s.span.label, s.supporters))


def versions(store: Store, article_id: str, annotators: Sequence[str]) -> dict[str, list[Span]]:
    return {
        name: [a.span for a in store.annotations.for_article(article_id, name)]
        for name in annotators
    }


def auto(
    store: Store,
    *,
    rule: str = "unanimous",
    annotators: Sequence[str] | None = None,
    adjudicator: str = "auto",
    progress: ProgressCallback | None = None,
    cancelled: CancelCheck | None = None,
) -> AdjudicationReport:
    """Take into gold what `rule` allows over the articles all annotators finished."""
    if rule not in RULES:
        raise AnnotatorError(f"no rule {rule!r}: use {' or '.join(RULES)}")
    names = list(annotators) if annotators else default_annotators(store)
    if len({person(n) for n in names}) < 2:
        raise AnnotatorError(
            "adjudication needs at least two annotators who marked articles done"
            f" (found: {', '.join(names) or 'none'})"
        )
    report = AdjudicationReport(rule, names)
    articles = finished_by_everyone(store, names)
    done_by = {name: set(store.articles_done_by(name)) for name in names}
    for done, article_id in enumerate(articles, start=1):
        if cancelled is not None and cancelled():
            report.cancelled = True
            break
        report.articles += 1
        if store.gold.status(article_id) == "adjudicated":
            report.skipped.append(article_id)
            continue
        # A person's vote is their versions marked done (a name with no work here is none).
        voting = [n for n in names if article_id in done_by[n]]
        spans = supported_spans(versions(store, article_id, voting))
        taken = [s for s in spans if s.allowed_by(rule)]
        left = len(spans) - len(taken)
        status = "adjudicated" if left == 0 else "in_review"
        added = store.gold.take(
            adjudicator,
            article_id,
            [GoldCandidate(s.span, s.voters, rule) for s in taken],
            status=status,
        )
        report.taken += len(added)
        report.left += left
        report.adjudicated += status == "adjudicated"
        report.in_review += status == "in_review"
        if progress is not None:
            progress(Progress(done, len(articles), "articles"))
    return report
