"""The line above the article's text: its status for this annotator and their comment.

Read from the store each time the article opens or its status changes, so it
shows what is stored, not what the window last did.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from annotator.gui.article_list import STATUS_TEXT
from annotator.gui.session import Session


class ArticleHeader(QLabel):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.setObjectName("articleHeader")
        self.setTextFormat(Qt.TextFormat.PlainText)  # a comment is text, never markup
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay with the article view
        self.setContentsMargins(6, 2, 6, 2)
        session.articleOpened.connect(self.refresh)
        session.progressChanged.connect(self.refresh)

    def refresh(self) -> None:
        article_id = self.session.article_id
        if article_id is None:
            self.setText("")
            return
        state = self.session.store.statuses.get(article_id, self.session.annotator)
        text = f"{self.session.annotator}: {STATUS_TEXT[state.status]}"
        if state.comment:
            text += f" — comment: {state.comment}"
        self.setText(text)
        self.setToolTip(state.comment or "")
