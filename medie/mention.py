"""Mentions: labelled spans with raw-text offsets and normalised attributes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span

from .labels import ATTRS_KEY, CORE_LABELS, LABELS, MAP_KEY, RAW_KEY, TEXT_KEY
from .text.normalize import raw_to_norm

__all__ = ["CORE_LABELS", "LABELS", "Mention", "doc_char_span", "doc_mentions", "doc_text", "raw_offsets",
           "raw_text", "set_span_attrs", "span_attrs"]


@dataclass(frozen=True)
class Mention:
    """A labelled span; ``start``/``end`` are offsets into the raw text as given."""

    start: int
    end: int
    label: str
    text: str
    attrs: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label, "text": self.text, "attrs": dict(self.attrs)}


def doc_text(doc: Doc) -> str:
    """``doc.text``, kept by the medie tokenizer so components need not rebuild it from the tokens."""
    text = doc.user_data.get(TEXT_KEY)
    return doc.text if text is None else text


def raw_text(doc: Doc) -> str:
    """The raw text a medie Doc was made from (the Doc text itself for other Docs)."""
    raw = doc.user_data.get(RAW_KEY)
    return doc.text if raw is None else raw


def raw_offsets(doc: Doc, start_char: int, end_char: int) -> tuple[int, int]:
    """Map a character span of ``doc.text`` to offsets into the raw text."""
    mapping = doc.user_data.get(MAP_KEY)
    if mapping is None:
        return start_char, end_char
    src_start, src_end = mapping
    return src_start[start_char], src_end[end_char - 1]


def doc_char_span(doc: Doc, start: int, end: int, label: str) -> Span | None:
    """The Doc span for raw offsets ``[start, end)``, or None if it does not fall on token boundaries."""
    mapping = doc.user_data.get(MAP_KEY)
    mapped = raw_to_norm(*mapping, start, end) if mapping is not None else (start, end)
    return doc.char_span(mapped[0], mapped[1], label=label) if mapped else None


def span_attrs(span: Span) -> dict[str, Any]:
    """Attributes stored for a span by the attribute normaliser (empty dict if none)."""
    return span.doc.user_data.get((ATTRS_KEY, span.start_char, span.end_char, span.label_), {})


def set_span_attrs(span: Span, attrs: dict[str, Any]) -> None:
    """Store attributes in ``doc.user_data`` under a flat tuple key, which survives serialisation."""
    span.doc.user_data[(ATTRS_KEY, span.start_char, span.end_char, span.label_)] = attrs


def doc_mentions(doc: Doc, offset: int = 0) -> list[Mention]:
    """The Doc's entities as Mentions with raw offsets (shifted by ``offset``)."""
    raw = raw_text(doc)
    out = []
    for ent in doc.ents:
        start, end = raw_offsets(doc, ent.start_char, ent.end_char)
        out.append(Mention(start + offset, end + offset, ent.label_, raw[start:end], span_attrs(ent)))
    return out
