"""The pipeline components, one spaCy factory a module; importing this package registers them all."""

from . import (  # noqa: F401  (registers the factories)
    attributes,
    classifier,
    context,
    lexicon_matcher,
    negation,
    pattern_matcher,
    propagate,
    relations,
    resolver,
    tagger,
)
