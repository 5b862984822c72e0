"""``medie_resolver``: picks the non-overlapping mentions among the candidates."""

from __future__ import annotations

from typing import Iterable

import regex
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..labels import LABELS, WORD
from ..mention import doc_text
from .candidates import candidates

# Resolver order when two overlapping candidates have the same length: earlier wins.
DEFAULT_PRIORITY = ["TRIAL", "DOSE", "PHASE", "RESULT", "SAMPLE_SIZE", "DRUG", "TARGET", "DISEASE", "ENDPOINT"]


@Language.factory("medie_resolver", default_config={"priority": DEFAULT_PRIORITY, "keep_ents": True})
def make_resolver(nlp: Language, name: str, priority: list[str], keep_ents: bool) -> "Resolver":
    return Resolver(name, priority, keep_ents)


class Resolver:
    """Chooses non-overlapping mentions: the longer span wins, then a lexicon entry over a pattern,
    then the label earlier in ``priority``.

    With ``keep_ents``, entities already on the Doc (from a trained component) compete too and win
    ties against rule candidates of the same length and label. A ``WORD`` candidate (an ordinary
    word of a lexicon) is never a mention; it removes every candidate that overlaps it without
    covering it, so that no name is cut out of a longer word. A RESULT in brackets right after a
    chosen SAMPLE_SIZE is that subgroup's share of the cohort and is dropped (GUIDELINES 62).
    """

    def __init__(self, name: str, priority: list[str], keep_ents: bool = True) -> None:
        unknown = set(priority) - set(LABELS)
        if unknown or set(priority) != set(LABELS):
            raise ValueError(f"medie_resolver priority must list each of {', '.join(LABELS)} once")
        self.name, self.rank, self.keep_ents = name, {lab: i for i, lab in enumerate(priority)}, keep_ents

    def __call__(self, doc: Doc) -> Doc:
        pool = [(s, 1) for s in _outside_words(candidates(doc))]
        if self.keep_ents:
            pool += [(s, 0) for s in doc.ents]
        # longer first; on the same stretch a lexicon entry (curated for that string) before a pattern's guess
        pool.sort(key=lambda item: (-(item[0].end_char - item[0].start_char), not item[0].id_.startswith("lexicon:"),
                                    self.rank[item[0].label_], item[1], item[0].start))
        taken = bytearray(len(doc))
        chosen: list[Span] = []
        for span, _ in pool:
            if any(taken[span.start : span.end]):
                continue
            taken[span.start : span.end] = b"\x01" * (span.end - span.start)
            chosen.append(span)
        doc.ents = _without_subgroup_shares(doc_text(doc), sorted(chosen, key=lambda s: s.start))
        return doc


_SHARE_GAP = regex.compile(r"\s?[(（]\s?")


def _without_subgroup_shares(text: str, ents: list[Span]) -> list[Span]:
    """Drop the share in brackets after a subgroup count (``CP患者744例(87.0%)``): a count that is a
    SAMPLE_SIZE describes the cohort, and so does its share; a count that is a RESULT keeps its share."""
    out: list[Span] = []
    for span in ents:
        prev = out[-1] if out else None
        if (span.label_ == "RESULT" and prev is not None and prev.label_ == "SAMPLE_SIZE"
                and _SHARE_GAP.fullmatch(text, prev.end_char, span.start_char)):
            continue
        out.append(span)
    return out


def _outside_words(group: Iterable[Span]) -> list[Span]:
    """The non-WORD candidates that cover, or stay clear of, every WORD candidate they meet."""
    spans = list(group)  # a SpanGroup makes new Span objects on every pass
    words = [s for s in spans if s.label_ == WORD]
    if not words:
        return spans
    # a candidate cuts a word when it starts or ends strictly inside it
    inside = bytearray(max(s.end_char for s in spans) + 1)
    for w in words:
        inside[w.start_char + 1 : w.end_char] = b"\x01" * (w.end_char - w.start_char - 1)
    return [s for s in spans if s.label_ != WORD and not inside[s.start_char] and not inside[s.end_char]]
