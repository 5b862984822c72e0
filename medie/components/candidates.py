"""What the candidate-finding components share: the candidate span group and the Latin word check."""

from __future__ import annotations

from typing import Any, Iterator

import ahocorasick
from spacy.tokens import Doc, Span

from ..labels import CANDIDATES

__all__ = ["CANDIDATES", "Automaton", "ahocorasick_version", "candidates", "cuts_latin_word"]


def ahocorasick_version() -> str:
    """The installed pyahocorasick (a built automaton is only read back by the version that wrote it)."""
    from importlib.metadata import version

    return version("pyahocorasick")


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


class Automaton:
    """Surface forms in an Aho-Corasick automaton; :meth:`longest` gives the longest form at each start."""

    def __init__(self) -> None:
        self._automaton = ahocorasick.Automaton()

    def add(self, form: str, value: Any) -> None:
        if form not in self._automaton:  # the first entry of a form wins
            self._automaton.add_word(form, (len(form), value))

    def finish(self) -> None:
        if len(self._automaton):
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self._automaton)

    def longest(self, text: str) -> dict[int, tuple[int, Any]]:
        """For each start offset with a match: (length, value) of the longest form starting there."""
        best: dict[int, tuple[int, Any]] = {}
        if not len(self._automaton):
            return best
        for end, (length, value) in self._automaton.iter(text):
            start = end - length + 1
            if start not in best or best[start][0] < length:
                best[start] = (length, value)
        return best

    def scan(self, text: str) -> Iterator[tuple[int, int, Any]]:
        """Non-overlapping matches left to right, the longest at each start (like a longest-first alternation)."""
        best = self.longest(text)
        pos = 0
        for start in sorted(best):
            if start < pos:
                continue
            length, value = best[start]
            yield start, start + length, value
            pos = start + length
