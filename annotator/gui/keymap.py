"""Every key binding of the article view, in one table.

The view dispatches from it, the menus show it, F1 lists it and the README
carries the same table (a test keeps them equal).
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.records import LABELS


@dataclass(frozen=True, slots=True)
class Binding:
    keys: str  # QKeySequence text, portable form
    command: str  # a Session method name, with arguments after ":"
    description: str


BINDINGS: tuple[Binding, ...] = (
    Binding("Tab", "focus_next:1", "Next span, scrolled into view"),
    Binding("Shift+Tab", "focus_next:-1", "Previous span"),
    Binding("Return", "accept", "Accept the focused suggestion"),
    Binding("Delete", "reject_or_delete", "Reject the focused suggestion, or delete an annotation"),
    *(
        Binding(
            str(n),
            f"label:{label}",
            f"Label {label}: the focused span, or the selection (snapped to tokens)",
        )
        for n, label in enumerate(LABELS, start=1)
    ),
    *(
        Binding(
            f"Alt+{n}", f"label_exact:{label}", f"Label {label}: the selection, exact characters"
        )
        for n, label in enumerate(LABELS, start=1)
    ),
    Binding("Alt+Left", "resize:start:-1:token", "Move the span's start one token left"),
    Binding("Alt+Right", "resize:start:1:token", "Move the span's start one token right"),
    Binding("Alt+Shift+Left", "resize:end:-1:token", "Move the span's end one token left"),
    Binding("Alt+Shift+Right", "resize:end:1:token", "Move the span's end one token right"),
    Binding("Ctrl+Alt+Left", "resize:start:-1:char", "Move the span's start one character left"),
    Binding("Ctrl+Alt+Right", "resize:start:1:char", "Move the span's start one character right"),
    Binding("Ctrl+Alt+Shift+Left", "resize:end:-1:char", "Move the span's end one character left"),
    Binding("Ctrl+Alt+Shift+Right", "resize:end:1:char", "Move the span's end one character right"),
    Binding("Shift+Return", "accept_all", "Accept all remaining suggestions of the article"),
    Binding("Ctrl+Return", "done_and_next", "Mark the article done and open the next one not done"),
    Binding("PgDown", "next_article:1", "Next article"),
    Binding("PgUp", "next_article:-1", "Previous article"),
    Binding(
        "Ctrl+Z",
        "undo",
        "Undo, across articles (says what and where; another window's action: press twice)",
    ),
    Binding("Ctrl+Shift+Z", "redo", "Redo"),
    Binding("F1", "cheat_sheet", "This list of keys"),
)

BY_KEYS: dict[str, Binding] = {b.keys: b for b in BINDINGS}


def markdown_table() -> str:
    """The key table as the README shows it."""
    rows = ["| keys | action |", "|---|---|"]
    rows += [f"| {b.keys} | {b.description} |" for b in BINDINGS]
    return "\n".join(rows)
