"""Deciding among candidates: the context filter, the overlap resolver and the attribute setter."""

from __future__ import annotations

from pathlib import Path

import regex
from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span

from .attributes import normalize_phase, parse_result
from .matchers import CANDIDATES, candidates, cuts_latin_word
from .mention import LABELS, doc_text, set_span_attrs
from .patterns import ContextRule, load_context_rules
from .rules import copy_rule_files, rules_dir

# Resolver order when two overlapping candidates have the same length: earlier wins.
DEFAULT_PRIORITY = ["TRIAL", "DOSE", "PHASE", "RESULT", "SAMPLE_SIZE", "DRUG", "TARGET", "DISEASE", "ENDPOINT"]
CONTEXT_WINDOW = 8


@Language.factory("medie_context", default_config={})
def make_context_filter(nlp: Language, name: str) -> "ContextFilter":
    return ContextFilter(name, rules_dir() / "context.jsonl")


class ContextFilter:
    """Applies ``rules/context.jsonl`` to each candidate: the first matching rule drops or relabels it."""

    def __init__(self, name: str, path: Path) -> None:
        self.name, self.path = name, path
        self.rules: list[ContextRule] = load_context_rules(path)

    def __call__(self, doc: Doc) -> Doc:
        text, kept = doc_text(doc), []
        for span in candidates(doc):
            for rule in self.rules:
                m = rule.match(text, span.start_char, span.end_char, span.label_)
                if m is None:
                    continue
                if rule.action == "extend":
                    span = self._extend(doc, span, rule, m)
                    continue
                if rule.action.startswith("relabel:"):
                    kept.append(Span(doc, span.start, span.end, label=rule.action[8:], kb_id=span.kb_id,
                                     span_id=f"{span.id_}+context:{rule.name}"))
                break
            else:
                kept.append(span)
        doc.spans[CANDIDATES] = kept
        return doc

    @staticmethod
    def _extend(doc: Doc, span: Span, rule: ContextRule, m) -> Span:
        if rule.side == "left":
            start, end = span.start_char - (len(m.string) - m.start()), span.end_char
        else:
            start, end = span.start_char, span.end_char + m.end()
        grown = doc.char_span(start, end, label=span.label_, kb_id=span.kb_id, span_id=f"{span.id_}+context:{rule.name}")
        return grown if grown is not None else span

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        copy_rule_files([self.path], path)

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> "ContextFilter":
        self.path = Path(path) / "context.jsonl"
        self.rules = load_context_rules(self.path)
        return self


@Language.factory("medie_resolver", default_config={"priority": DEFAULT_PRIORITY, "keep_ents": True})
def make_resolver(nlp: Language, name: str, priority: list[str], keep_ents: bool) -> "Resolver":
    return Resolver(name, priority, keep_ents)


class Resolver:
    """Chooses non-overlapping mentions: the longer span wins, then the label earlier in ``priority``.

    With ``keep_ents``, entities already on the Doc (from a trained component) compete too and win
    ties against rule candidates of the same length and label.
    """

    def __init__(self, name: str, priority: list[str], keep_ents: bool = True) -> None:
        unknown = set(priority) - set(LABELS)
        if unknown or set(priority) != set(LABELS):
            raise ValueError(f"medie_resolver priority must list each of {', '.join(LABELS)} once")
        self.name, self.rank, self.keep_ents = name, {lab: i for i, lab in enumerate(priority)}, keep_ents

    def __call__(self, doc: Doc) -> Doc:
        pool = [(s, 1) for s in candidates(doc)]
        if self.keep_ents:
            pool += [(s, 0) for s in doc.ents]
        pool.sort(key=lambda item: (-(item[0].end_char - item[0].start_char), self.rank[item[0].label_], item[1], item[0].start))
        taken = bytearray(len(doc))
        chosen: list[Span] = []
        for span, _ in pool:
            if any(taken[span.start : span.end]):
                continue
            taken[span.start : span.end] = b"\x01" * (span.end - span.start)
            chosen.append(span)
        doc.ents = sorted(chosen, key=lambda s: s.start)
        return doc


@Language.factory("medie_attributes", default_config={})
def make_attribute_setter(nlp: Language, name: str) -> "AttributeSetter":
    return AttributeSetter(name)


class AttributeSetter:
    """Normalised attributes per entity: PHASE ``phase``, RESULT value/unit/qualifier, ``canonical`` names."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        for ent in doc.ents:
            attrs: dict = {}
            if ent.label_ == "PHASE":
                phase = normalize_phase(ent.text)
                if phase:
                    attrs["phase"] = phase
            elif ent.label_ == "RESULT":
                left = text[max(0, ent.start_char - CONTEXT_WINDOW) : ent.start_char]
                attrs = parse_result(ent.text, left, text[ent.end_char : ent.end_char + 4 * CONTEXT_WINDOW])
            elif ent.kb_id_:
                attrs["canonical"] = ent.kb_id_
            set_span_attrs(ent, attrs)
        return doc


NAME_LABELS = ("DRUG", "TARGET", "DISEASE", "TRIAL")
_ABBREV = regex.compile(r"^\s?\(\s?([A-Za-z][A-Za-z0-9\-/.+]{0,15}(?: [A-Za-z0-9\-]{1,10}){0,2})\s?[),;]")


@Language.factory("medie_propagate", default_config={"labels": list(NAME_LABELS)})
def make_propagator(nlp: Language, name: str, labels: list[str]) -> "Propagator":
    return Propagator(name, labels)


class Propagator:
    """One name, one label per document: a name found by a pattern (``靶向GPRC5D``) and the
    abbreviation written in brackets right after any recognised name (``多发性骨髓瘤(MM)``) are
    labelled at every other occurrence. Lexicon names need no help: the lexicon matcher finds every
    occurrence, and the context rules have judged each one."""

    def __init__(self, name: str, labels: list[str]) -> None:
        self.name, self.labels = name, set(labels)

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        forms: dict[str, tuple[str, str]] = {}
        for ent in doc.ents:
            if ent.label_ not in self.labels:
                continue
            if not ent.id_.startswith("lexicon:"):  # lexicon names are already found wherever they occur
                forms.setdefault(ent.text, (ent.label_, ent.kb_id_))
            m = _ABBREV.match(text[ent.end_char : ent.end_char + 40])
            if m:
                forms.setdefault(m.group(1), (ent.label_, ent.kb_id_))
        forms = {f: v for f, v in forms.items() if len(f) >= 2}
        if not forms:
            return doc
        taken = bytearray(len(doc))
        for ent in doc.ents:
            taken[ent.start : ent.end] = b"\x01" * len(ent)
        added = []
        pattern = regex.compile("|".join(regex.escape(f) for f in sorted(forms, key=len, reverse=True)))
        for m in pattern.finditer(text):
            start, end = m.span()
            if cuts_latin_word(text, start, end):
                continue
            label, canonical = forms[m.group()]
            span = doc.char_span(start, end, label=label, kb_id=canonical, span_id=f"propagate:{m.group()}")
            if span is None or any(taken[span.start : span.end]):
                continue
            taken[span.start : span.end] = b"\x01" * len(span)
            added.append(span)
        if added:
            doc.ents = sorted(list(doc.ents) + added, key=lambda s: s.start)
        return doc

