"""Annotator: correct machine pre-annotations of French news and curate gold data."""

__version__ = "0.1.0"
