"""What the candidate-finding components share: the candidate span group and the Latin word check."""

from __future__ import annotations

from typing import Any, Iterator

import ahocorasick_rs
from spacy.tokens import Doc, Span

from ..labels import CANDIDATES
from ..text.tokenizer import GLUED_DOSE

__all__ = ["CANDIDATES", "Automaton", "ahocorasick_version", "candidates", "cuts_latin_word"]


def ahocorasick_version() -> str:
    """The installed ahocorasick-rs (part of the lexicon cache key)."""
    from importlib.metadata import version

    return version("ahocorasick-rs")


def candidates(doc: Doc) -> list[Span]:
    """The Doc's candidate span group (``doc.spans["medie_candidates"]``), created if absent."""
    if CANDIDATES not in doc.spans:
        doc.spans[CANDIDATES] = []
    return doc.spans[CANDIDATES]


def _is_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def cuts_latin_word(text: str, start: int, end: int) -> bool:
    """True when ``[start, end)`` begins or ends inside a run of ASCII letters and digits; a name that
    ends in a letter right before a glued dose (``DDP50mg``) ends its word."""
    return (start > 0 and _is_alnum(text[start]) and _is_alnum(text[start - 1])) or (
        end < len(text) and _is_alnum(text[end - 1]) and _is_alnum(text[end])
        and not (text[end - 1].isalpha() and GLUED_DOSE.match(text, end))
    )


class Automaton:
    """Surface forms in an Aho-Corasick automaton; :meth:`longest` gives the longest form at each start.

    Built on ``ahocorasick-rs`` (Rust): on the corpus it matches the 40,000 lexicon forms 6-7x faster
    than ``pyahocorasick`` with the same hits (``benchmarks/components.py`` times the component).
    Its automaton does not pickle, so a pickled :class:`Automaton` carries its forms and rebuilds.
    """

    def __init__(self) -> None:
        self._seen: set[str] | None = set()  # the forms added (rebuilt only if needed after unpickling)
        self._forms: list[str] = []
        self._values: list[Any] = []
        self._automaton: ahocorasick_rs.AhoCorasick | None = None

    def add(self, form: str, value: Any) -> None:
        if self._seen is None:
            self._seen = set(self._forms)
        if form and form not in self._seen:  # the first entry of a form wins
            self._seen.add(form)
            self._forms.append(form)
            self._values.append(value)

    def finish(self) -> None:
        self._automaton = ahocorasick_rs.AhoCorasick(
            self._forms, implementation=ahocorasick_rs.Implementation.ContiguousNFA) if self._forms else None

    def __len__(self) -> int:
        return len(self._forms)

    def __getstate__(self) -> dict[str, Any]:
        return {"forms": self._forms, "values": self._values}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._forms, self._values, self._seen = state["forms"], state["values"], None
        self.finish()

    def every(self, text: str) -> list[tuple[int, int, Any]]:
        """Every match, overlapping ones included: (start, end, value)."""
        if self._automaton is None:
            return []
        values = self._values
        return [(start, end, values[i]) for i, start, end in self._automaton.find_matches_as_indexes(text, overlapping=True)]

    def longest(self, text: str) -> dict[int, tuple[int, Any]]:
        """For each start offset with a match: (length, value) of the longest form starting there."""
        best: dict[int, tuple[int, Any]] = {}
        for start, end, value in self.every(text):
            length = end - start
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
