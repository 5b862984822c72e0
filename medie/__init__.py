"""medie: structured facts from Chinese medical text, as a spaCy pipeline."""

from __future__ import annotations

from typing import Iterator

from spacy.language import Language

from .analysis import Analysis, Finding, linker_of
from .labels import CORE_LABELS, LABELS
from .mention import Mention
from .pipeline import load
from .run import iter_piece_mentions
from .text.pieces import CHUNK_CHARS

__version__ = "0.1.0"
__all__ = ["CORE_LABELS", "LABELS", "Analysis", "Finding", "Mention", "analyze", "extract", "iter_mentions", "load"]

_default_nlp: Language | None = None


def _pipeline(nlp: Language | None) -> Language:
    global _default_nlp
    if nlp is not None:
        return nlp
    if _default_nlp is None:
        _default_nlp = load()
    return _default_nlp


def iter_mentions(text: str, nlp: Language | None = None, chunk_chars: int = CHUNK_CHARS) -> Iterator[Mention]:
    """Yield the mentions of ``text`` in order, processing long texts piece by piece."""
    if not isinstance(text, str):
        raise TypeError(f"medie expects text as str, got {type(text).__name__}")
    for piece in iter_piece_mentions(_pipeline(nlp), text, chunk_chars):
        yield from piece


def extract(text: str, nlp: Language | None = None) -> list[Mention]:
    """Extract the mentions of ``text``; offsets are into ``text`` exactly as given."""
    return list(iter_mentions(text, nlp))


def analyze(text: str, nlp: Language | None = None) -> Analysis:
    """Mentions, relations and findings of ``text``; offsets are into ``text`` exactly as given.

    Long texts are processed piece by piece; relations are found over the whole text's mentions.
    """
    pipeline = _pipeline(nlp)
    mentions = list(iter_mentions(text, pipeline))
    return Analysis(text, mentions, linker_of(pipeline).relate(text, mentions))
