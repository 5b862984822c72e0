"""What the candidate-finding components share: the candidate span group and the Latin word check."""

from __future__ import annotations

from spacy.tokens import Doc, Span

from ..labels import CANDIDATES

__all__ = ["CANDIDATES", "candidates", "cuts_latin_word"]


def candidates(doc: Doc) -> list[Span]:
    """The Doc's candidate span group (``doc.spans["medie_candidates"]``), created if absent."""
    if CANDIDATES not in doc.spans:
        doc.spans[CANDIDATES] = []
    return doc.spans[CANDIDATES]


def _is_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def cuts_latin_word(text: str, start: int, end: int) -> bool:
    """True when ``[start, end)`` begins or ends inside a run of ASCII letters and digits."""
    return (start > 0 and _is_alnum(text[start]) and _is_alnum(text[start - 1])) or (
        end < len(text) and _is_alnum(text[end - 1]) and _is_alnum(text[end])
    )
