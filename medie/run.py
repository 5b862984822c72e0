"""Running a pipeline over texts: long texts in pieces, mentions with offsets into each whole text."""

from __future__ import annotations

from typing import Hashable, Iterable, Iterator, NamedTuple

from spacy.language import Language

from .mention import Mention, doc_mentions
from .text.pieces import CHUNK_CHARS, chunk_bounds


class Piece(NamedTuple):
    """The mentions of one piece of a document; ``first``/``last`` mark the document's first and last piece."""

    key: Hashable
    mentions: list[Mention]
    first: bool
    last: bool


def _pieces(items: Iterable[tuple[Hashable, str]], chunk_chars: int) -> Iterator[tuple[str, tuple]]:
    for key, text in items:
        bounds = list(chunk_bounds(text, chunk_chars)) if text.strip() else [(0, 0)]
        for i, (start, end) in enumerate(bounds):
            yield text[start:end], (key, start, i == 0, i == len(bounds) - 1)


def pipe_pieces(nlp: Language, items: Iterable[tuple[Hashable, str]], *, n_process: int = 1,
                batch_size: int | None = None, chunk_chars: int = CHUNK_CHARS) -> Iterator[Piece]:
    """Process ``(key, text)`` items in order, yielding each piece's mentions with whole-text offsets.

    Every document yields at least one piece (an empty or blank text one piece with no mentions).
    ``batch_size`` pieces are in flight at a time (default: the pipeline's ``batch_size``).
    """
    stream = nlp.pipe(_pieces(items, chunk_chars), as_tuples=True, n_process=n_process, batch_size=batch_size)
    for doc, (key, offset, first, last) in stream:
        yield Piece(key, doc_mentions(doc, offset), first, last)
