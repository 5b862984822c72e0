"""Sentences and clauses of a raw text, as spec v2.0 and GUIDELINES 52 define them.

A sentence ends after ``。！？!?`` (and any closing quotes or brackets), after a half-width ``.``
followed by a Chinese character or by a space and an upper-case letter or Chinese character (not a
decimal point), at a line break after sentence-final punctuation, and at the line break that ends
a heading (a line with no punctuation at all, unless it is nearly as wide as the text's wrapped
lines: then it is a line of wrapped PDF text, GUIDELINES 61). A table row is one sentence (GUIDELINES 60): a line
with two or more ``|`` cell separators does not end inside, and a line ending in ``|`` ends there.
Other line breaks, blank lines included, are layout noise. Clauses also end at ``，,；;`` (a comma between digits is a thousands separator).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

import regex

FINAL = "。！？!?"
_CLOSE = "”’」』）)\"'"
_PUNCT = set("，,、；;：:。.！？!?")
_CANDIDATES = regex.compile(r"[。！？!?.\n，,；;]")


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


# what is not a Chinese character (stdlib re: removing these runs counts the Chinese characters fastest)
_NON_CJK = re.compile(r"[^\u4e00-\u9fff\u3400-\u4dbf]+")


def _width(line: str) -> int:
    """Display width: a Chinese character counts two columns."""
    line = line.strip()
    return len(line) + len(_NON_CJK.sub("", line))


def _wrap_width(raw: str) -> int | None:
    """The width at which a PDF's text was wrapped: the 80th-percentile display width of its lines
    (None for texts of fewer than eight non-blank lines, where no width can be told)."""
    widths = sorted(w for w in map(_width, raw.split("\n")) if w)
    if len(widths) < 8:
        return None
    return widths[int(0.8 * (len(widths) - 1))]


def _ends(raw: str, clauses: bool) -> list[int]:
    n, out = len(raw), []
    rows: list[tuple[int, int]] = []  # (start, end) of one-line table rows
    wrap = _wrap_width(raw) if "\n" in raw else None
    line_start = 0
    for m in _CANDIDATES.finditer(raw):
        i, ch = m.start(), m.group()
        if ch in FINAL:
            j = i + 1
            while j < n and raw[j] in _CLOSE:
                j += 1
            out.append(j)
        elif ch == ".":
            if i + 1 < n and not (i and raw[i - 1].isdigit() and raw[i + 1].isdigit()):
                nxt = raw[i + 1]
                if _is_cjk(nxt) or (nxt.isspace() and i + 2 < n and (raw[i + 2].isupper() or _is_cjk(raw[i + 2]))):
                    out.append(i + 1)
        elif ch == "\n":
            line = raw[line_start:i]
            if line.strip():
                last = line.rstrip(" \t\u3000\r")
                heading = _PUNCT.isdisjoint(line) and not (wrap and wrap >= 40 and _width(line) >= 0.85 * wrap)
                if last[-1] in FINAL or last[-1] == "|" or heading:
                    out.append(i)
                if line.count("|") >= 2:
                    rows.append((line_start, i))
            line_start = i + 1
        elif clauses and not (ch == "," and i and i + 1 < n and raw[i - 1].isdigit() and raw[i + 1].isdigit()):
            out.append(i + 1)
    if rows and not clauses:
        starts = [start for start, _ in rows]
        out = [e for e in out if not _inside(rows, starts, e)]
    return out


def _inside(rows: list[tuple[int, int]], starts: list[int], offset: int) -> bool:
    """True when ``offset`` lies strictly inside one of ``rows`` (sorted, not overlapping)."""
    k = bisect_left(starts, offset) - 1
    return k >= 0 and offset < rows[k][1]


@dataclass(frozen=True)
class Segments:
    """Sentence (or clause) boundaries of one text; ``index(offset)`` is the number of the segment."""

    ends: tuple[int, ...]
    length: int

    def index(self, offset: int) -> int:
        return bisect_right(self.ends, offset)

    def bounds(self, k: int) -> tuple[int, int]:
        start = self.ends[k - 1] if k > 0 else 0
        return start, self.ends[k] if k < len(self.ends) else self.length

    def __iter__(self):
        """The non-empty segments as ``(start, end)``."""
        return (b for b in map(self.bounds, range(len(self.ends) + 1)) if b[0] < b[1])


@lru_cache(maxsize=8)
def sentences(raw: str) -> Segments:
    """The sentences of ``raw`` (cached: the negation and relation components both ask for them)."""
    return Segments(tuple(sorted(set(_ends(raw, False)))), len(raw))


def clauses(raw: str) -> Segments:
    """The clauses of ``raw``: sentences further cut at commas and semicolons."""
    return Segments(tuple(sorted(set(_ends(raw, True)))), len(raw))
