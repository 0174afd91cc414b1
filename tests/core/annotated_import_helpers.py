"""Shared by the annotated-import tests: the fixture folder and reading one file."""

from __future__ import annotations

from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.importers.base import Format, ReadOptions
from annotator.core.records import ArticleDraft
from tests.conftest import DATA

FIXTURES = DATA / "fixtures"


def read(fmt: Format, path: Path) -> tuple[list[ArticleDraft], list[InputError]]:
    items = [item for item, _ in fmt.read(path, ReadOptions())]
    drafts = [i for i in items if isinstance(i, ArticleDraft)]
    errors = [i for i in items if isinstance(i, InputError)]
    assert len(drafts) + len(errors) == len(items)
    return drafts, errors


def texts(draft: ArticleDraft) -> list[tuple[str, str]]:
    """Each span as (label, the text it covers)."""
    assert draft.spans is not None
    return [(s.label, draft.text[s.start : s.end]) for s in draft.spans]


def only(fmt: Format, path: Path) -> ArticleDraft:
    drafts, errors = read(fmt, path)
    assert errors == []
    assert len(drafts) == 1
    return drafts[0]
