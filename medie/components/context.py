"""``medie_context``: context rules (``rules/context.jsonl``) drop, relabel or extend candidates.

Each candidate is checked against the rules in file order by the words around it; the first drop
or relabel that matches decides, extend rules grow the candidate and do not stop the search.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..labels import CANDIDATES
from ..mention import doc_text
from ..rulefiles import copy_rule_files, rules_dir
from ..rulefiles.patterns import ContextRule, load_context_rules
from .candidates import candidates


@Language.factory("medie_context", default_config={})
def make_context_filter(nlp: Language, name: str) -> "ContextFilter":
    return ContextFilter(name, rules_dir() / "context.jsonl")


class ContextFilter:
    """Applies ``rules/context.jsonl`` to each candidate: the first matching rule drops or relabels it."""

    def __init__(self, name: str, path: Path) -> None:
        self.name, self.path = name, path
        self._set_rules(load_context_rules(path))

    def _set_rules(self, rules: list[ContextRule]) -> None:
        self.rules = rules
        self.slice_free = [rule for rule in rules if rule.slice_free]
        self.by_label: dict[str, list[ContextRule]] = {}  # the rules of each label, in file order
        for rule in rules:
            for label in rule.labels:
                self.by_label.setdefault(label, []).append(rule)

    def __call__(self, doc: Doc) -> Doc:
        text, kept = doc_text(doc), []
        # rules whose anchor-free pattern occurs nowhere in this document cannot match any candidate
        absent = {id(rule) for rule in self.slice_free if rule.absent_from(text)}
        for span in candidates(doc):
            for rule in self.by_label.get(span.label_, ()):
                if absent and id(rule) in absent:
                    continue
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
        self._set_rules(load_context_rules(self.path))
        return self
