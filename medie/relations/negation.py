"""ConText-style negation: cues, their direction and scope, pseudo-cues and terminators (``rules/negation.jsonl``).

A forward cue negates an ENDPOINT or DISEASE mention that follows it in the same sentence when at
most ``window`` characters lie between them and no terminator does; a backward cue likewise
negates a mention before it. A cue inside a pseudo-cue match (``无进展生存``) negates nothing.
Matching runs on the normalised text of the sentence, so Traditional and full-width forms match
the Simplified cues; the result is a set of raw offsets.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from ..labels import NEGATABLE
from ..mention import Mention
from ..rulefiles.patterns import slice_free
from ..rulefiles.relations import Rule
from ..text.normalize import normalized_text, raw_to_norm
from ..text.sentences import Segments, sentences


class NegationDetector:
    """Decides which ENDPOINT/DISEASE mentions of a text are reported absent."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = list(rules)
        self.forward = [r for r in self.rules if r.kind == "cue" and r["direction"] == "forward"]
        self.backward = [r for r in self.rules if r.kind == "cue" and r["direction"] == "backward"]
        self.pseudo = [r["pattern"] for r in self.rules if r.kind == "pseudo"]
        cues = self.forward + self.backward
        # with anchor-free cues, a sentence in which no cue occurs can be passed over whole
        self._sieve = [r["pattern"] for r in cues] if all(slice_free(r["pattern"].pattern) for r in cues) else None
        ends = [r for r in self.rules if r.kind == "terminator"]
        self.terminators = {d: [r["pattern"] for r in ends if r.get("direction", d) == d] for d in ("forward", "backward")}

    def _masked(self, text: str) -> list[tuple[int, int]]:
        return [m.span() for p in self.pseudo for m in p.finditer(text)]

    def _blocked(self, gap: str, direction: str) -> bool:
        return any(t.search(gap) for t in self.terminators[direction])

    def negated(self, raw: str, mentions: Iterable[Mention], segments: Segments | None = None,
                normalized: tuple[str, Sequence[int], Sequence[int]] | None = None) -> set[tuple[int, int]]:
        """Raw ``(start, end)`` of the negated mentions.

        ``normalized`` (the normalised text of ``raw`` and its offset map, as a medie Doc holds them)
        lets sentences without any cue be passed over without normalising them again.
        """
        segments = segments or sentences(raw)
        out = set()
        has_cue: dict[int, bool] = {}
        for m in mentions:
            if m.label not in NEGATABLE:
                continue
            k = segments.index(m.start)
            s_start, s_end = segments.bounds(k)
            if self._sieve is not None:
                if k not in has_cue:
                    has_cue[k] = any(p.search(self._sentence_text(raw, s_start, s_end, normalized)) for p in self._sieve)
                if not has_cue[k]:
                    continue
            left, right = normalized_text(raw[s_start:m.start]), normalized_text(raw[m.end:s_end])
            name = normalized_text(raw[m.start:m.end])
            if self._forward(left, name, right) or self._backward(left, name, right):
                out.add((m.start, m.end))
        return out

    @staticmethod
    def _sentence_text(raw: str, start: int, end: int, normalized) -> str:
        if normalized is None:
            return normalized_text(raw[start:end])
        text, src_start, src_end = normalized
        span = raw_to_norm(src_start, src_end, start, end)
        return text[span[0]:span[1]] if span else ""

    def _forward(self, left: str, name: str, right: str) -> bool:
        text = left + name + right
        masked = self._masked(text)
        for rule in self.forward:
            for cue in rule["pattern"].finditer(left):
                if any(a <= cue.start() < b for a, b in masked):
                    continue
                gap = left[cue.end():]
                if len(gap) <= rule["window"] and not self._blocked(gap, "forward"):
                    return True
        return False

    def _backward(self, left: str, name: str, right: str) -> bool:
        text = left + name + right
        masked = self._masked(text)
        offset = len(left) + len(name)
        for rule in self.backward:
            for cue in rule["pattern"].finditer(right):
                if any(a <= offset + cue.start() < b for a, b in masked):
                    continue
                gap = right[:cue.start()]
                if len(gap) <= rule["window"] and not self._blocked(gap, "backward"):
                    return True
                break
        return False
