"""``medie_context``: context rules (``rules/context.jsonl``) drop, relabel or extend candidates.

Each candidate is checked against the rules in file order by the words around it; the first drop
or relabel that matches decides, extend rules grow the candidate and do not stop the search. A
``drop_name`` rule also drops the other candidates of the same label and text in the document.
"""

from __future__ import annotations

from bisect import bisect_left
from pathlib import Path
from typing import Iterable

import regex

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..labels import CANDIDATES
from ..mention import doc_text
from ..rulefiles import copy_rule_files, rules_dir
from ..rulefiles.patterns import ContextRule, load_context_rules
from .candidates import Automaton, candidates


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
        self.sieved = [rule for rule in rules if rule.sieve is not None]
        owners: dict[str, list[str]] = {}  # sieve string -> the names of the rules it is a sieve of
        for rule in self.sieved:
            for head in rule.sieve:
                owners.setdefault(head, []).append(rule.name)
        self._sieves = Automaton()
        for head, ids in owners.items():
            self._sieves.add(head, ids)
        self._sieves.finish()
        self.by_label: dict[str, list[ContextRule]] = {}  # the rules of each label, in file order
        for rule in rules:
            for label in rule.labels:
                self.by_label.setdefault(label, []).append(rule)

    def __call__(self, doc: Doc) -> Doc:
        text, kept, dropped = doc_text(doc), [], []
        names: set[tuple[str, str]] = set()
        # where each rule's sieve strings occur (see medie.rulefiles.sieve): a rule can only apply to a
        # candidate whose window holds one of those places; no place, no rule for this text
        starts: dict[str, list[int]] = {rule.name: [] for rule in self.sieved}
        for start, _, owners in self._sieves.every(text):  # one pass over the text for all the rules
            for owner in owners:
                starts[owner].append(start)
        for found in starts.values():
            found.sort()
        idle = {name for name, found in starts.items() if not found}  # rules that cannot apply here
        # slice-free around rules are searched once over the whole text and looked up per candidate
        scopes = {rule.name: scope for rule in self.slice_free if rule.name not in idle
                  for scope in [rule.scope(text)] if scope is not None}
        active = {label: [(rule, starts.get(rule.name), scopes.get(rule.name)) for rule in rules if rule.name not in idle]
                  for label, rules in self.by_label.items()}
        for span in candidates(doc):
            for rule, found, scope in active.get(span.label_, ()):
                if found is not None and not rule.near(found, span.start_char, span.end_char):
                    continue
                if scope is not None:
                    if not rule.covered(scope, text, span.start_char, span.end_char):
                        continue
                    m = True  # around rules never extend, so the match itself is not needed
                else:
                    m = rule.match(text, span.start_char, span.end_char, span.label_)
                if m is None:
                    continue
                if rule.action == "extend":
                    span = self._extend(doc, span, rule, m)
                    continue
                if rule.action.startswith("relabel:"):
                    kept.append(Span(doc, span.start, span.end, label=rule.action[8:], kb_id=span.kb_id,
                                     span_id=f"{span.id_}+context:{rule.name}"))
                else:
                    dropped.append(span)
                    if rule.action == "drop_name":
                        names.add((span.label_, span.text.casefold()))
                break
            else:
                kept.append(span)
        if names:  # the other mentions of a name that a drop_name rule showed to mean something else here
            dropped += [span for span in kept if (span.label_, span.text.casefold()) in names]
            kept = [span for span in kept if (span.label_, span.text.casefold()) not in names]
        if dropped:  # a piece of a dropped expression goes with it (30% of a dropped 20%～30%)
            inside = _Dropped(dropped)
            kept = _without_listed_after(text, [span for span in kept if not inside.contains(span)], dropped)
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


# what stands between two values of one enumeration (回收率为102.8%、107.4%; (84.8±3.6)%～(111.4±10.2)%)
_LIST_GAP = regex.compile(r"\s?[)）]?\s?[%％]?\s?(?:、|和|及|与|～|~|至|-)\s?[(（]?\s?")


def _without_listed_after(text: str, kept: list[Span], dropped: list[Span]) -> list[Span]:
    """Drop the RESULT candidates listed right after a dropped one: the values of one enumeration share
    its context (the cue that dropped the first is too far from the later ones)."""
    ends = {d.end_char for d in dropped if d.label_ == "RESULT"}
    if not ends:
        return kept
    listed = set()
    for i in sorted(range(len(kept)), key=lambda i: kept[i].start_char):
        span = kept[i]
        if span.label_ == "RESULT" and any(e in ends and _LIST_GAP.fullmatch(text, e, span.start_char)
                                           for e in range(max(0, span.start_char - 8), span.start_char + 1)):
            ends.add(span.end_char)
            listed.add(i)
    return [span for i, span in enumerate(kept) if i not in listed]


class _Dropped:
    """The dropped candidates of each label, to tell in O(log n) whether one strictly contains a span."""

    def __init__(self, spans: list[Span]) -> None:
        by_label: dict[str, list[tuple[int, int]]] = {}
        for d in spans:
            by_label.setdefault(d.label_, []).append((d.start_char, d.end_char))
        self._starts: dict[str, list[int]] = {}
        self._reach: dict[str, list[int]] = {}  # the furthest end among the first i dropped (by start)
        self._same_start: dict[tuple[str, int], int] = {}
        for label, items in by_label.items():
            items.sort()
            reach, furthest = [], -1
            for start, end in items:
                furthest = max(furthest, end)
                reach.append(furthest)
                key = (label, start)
                self._same_start[key] = max(self._same_start.get(key, -1), end)
            self._starts[label], self._reach[label] = [start for start, _ in items], reach

    def contains(self, span: Span) -> bool:
        starts = self._starts.get(span.label_)
        if not starts:
            return False
        before = bisect_left(starts, span.start_char)  # dropped candidates that start earlier
        if before and self._reach[span.label_][before - 1] >= span.end_char:
            return True
        return self._same_start.get((span.label_, span.start_char), -1) > span.end_char
