"""Cutting long texts into pieces that the pipeline processes one at a time."""

from __future__ import annotations

from typing import Iterable, Iterator

CHUNK_CHARS = 50_000


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


def text_windows(text: str, size: int, margin: int) -> Iterator[tuple[int, int, int, str]]:
    """``(start, end, lo, window)`` per piece of :func:`chunk_bounds`: the piece with ``margin`` characters
    of context around it, ``window = text[lo:hi]``."""
    for start, end in chunk_bounds(text, size):
        lo = max(0, start - margin)
        yield start, end, lo, text[lo : min(len(text), end + margin)]


def stream_windows(blocks: Iterable[str], size: int, margin: int) -> Iterator[tuple[int, int, int, str]]:
    """The windows of :func:`text_windows` over a text given as consecutive blocks, holding only about
    ``size + 2 * margin`` characters plus one block in memory; the pieces are cut exactly where
    :func:`chunk_bounds` cuts the whole text."""
    source = iter(blocks)
    buf, off, exhausted = "", 0, False  # buf holds text[off : off + len(buf)]
    start = 0
    while True:
        while not exhausted and off + len(buf) <= start + size + margin:
            block = next(source, None)
            if block is None:
                exhausted = True
            else:
                buf += block
        known = off + len(buf)
        if start >= known:
            return
        end = min(start + size, known)
        if end < known or not exhausted:  # the text goes on after this piece
            window = buf[start + size // 2 - off : end - off]
            for sep in ("。\n", "\n\n", "。", "\n"):
                cut = window.rfind(sep)
                if cut >= 0:
                    end = start + size // 2 + cut + len(sep)
                    break
        lo = max(0, start - margin)
        yield start, end, lo, buf[lo - off : min(known, end + margin) - off]
        start = end
        keep_from = max(0, start - margin)
        buf, off = buf[keep_from - off :], keep_from
