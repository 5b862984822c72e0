"""medie: structured facts from Chinese medical text, as a spaCy pipeline."""

from __future__ import annotations

from typing import Iterator

from spacy.language import Language

from .mention import CORE_LABELS, LABELS, Mention, doc_mentions
from .pipeline import load

__version__ = "0.1.0"
__all__ = ["CORE_LABELS", "LABELS", "Mention", "extract", "iter_mentions", "load"]

CHUNK_CHARS = 50_000
_default_nlp: Language | None = None


def _pipeline(nlp: Language | None) -> Language:
    global _default_nlp
    if nlp is not None:
        return nlp
    if _default_nlp is None:
        _default_nlp = load()
    return _default_nlp


def chunk_bounds(text: str, size: int = CHUNK_CHARS) -> Iterator[tuple[int, int]]:
    """Cut ``text`` into pieces of at most about ``size`` characters at sentence or line ends."""
    start, n = 0, len(text)
    while start < n:
        end = min(start + size, n)
        if end < n:
            window = text[start + size // 2 : end]
            for sep in ("。\n", "\n\n", "。", "\n"):
                cut = window.rfind(sep)
                if cut >= 0:
                    end = start + size // 2 + cut + len(sep)
                    break
        yield start, end
        start = end


def iter_mentions(text: str, nlp: Language | None = None, chunk_chars: int = CHUNK_CHARS) -> Iterator[Mention]:
    """Yield the mentions of ``text`` in order, processing long texts piece by piece."""
    if not isinstance(text, str):
        raise TypeError(f"medie expects text as str, got {type(text).__name__}")
    if not text.strip():
        return
    pipeline = _pipeline(nlp)
    for start, end in chunk_bounds(text, chunk_chars):
        yield from doc_mentions(pipeline(text[start:end]), offset=start)


def extract(text: str, nlp: Language | None = None) -> list[Mention]:
    """Extract the mentions of ``text``; offsets are into ``text`` exactly as given."""
    return list(iter_mentions(text, nlp))
