"""How long work reports where it is, to a CLI bar or a window's progress indicator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int
    unit: str  # "bytes", "articles"
    detail: str = ""  # what is being worked on, e.g. the current file

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0


ProgressCallback = Callable[[Progress], None]
CancelCheck = Callable[[], bool]
