"""One hierarchy of errors, each with a message a user can act on."""

from __future__ import annotations


class AnnotatorError(Exception):
    """Base class of every error this package raises on purpose."""


class StoreError(AnnotatorError):
    """The database cannot be opened or used as asked."""


class NewerSchemaError(StoreError):
    """The database was written by a newer version of Annotator."""


class NotFound(AnnotatorError):
    """An article, annotator or annotation that is not in the store."""


class StaleState(AnnotatorError):
    """The store changed since the caller read it (another window, a command).

    The action was not carried out; read again and let the person decide anew.
    """


class InvalidSpan(AnnotatorError):
    """A span whose offsets or label do not fit its article or the scheme."""


class InputError(AnnotatorError):
    """One piece of import input is unusable; the rest of the batch goes on.

    `where` names the file and, when known, the line: ``"a.jsonl:12"``.
    """

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


class Cancelled(AnnotatorError):
    """Long work stopped on the user's request; what was committed stays."""
