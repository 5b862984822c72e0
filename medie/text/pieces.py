"""Cutting long texts into pieces that the pipeline processes one at a time."""

from __future__ import annotations

from typing import Iterator

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
