"""``medie_negation``: marks ENDPOINT and DISEASE mentions reported absent (``rules/negation.jsonl``).

Sets ``negated: true`` in the mention's attributes (stored in ``doc.user_data``, so it survives
``DocBin``, ``to_disk`` and worker processes); affirmed mentions carry no ``negated`` key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc

from ..labels import MAP_KEY
from ..mention import doc_mentions, doc_text, raw_offsets, raw_text, set_span_attrs, span_attrs
from ..relations.negation import NegationDetector
from ..rulefiles import copy_rule_files, rules_dir
from ..rulefiles.relations import load_negation_rules


@Language.factory("medie_negation", default_config={})
def make_negation(nlp: Language, name: str) -> "Negation":
    return Negation(name, rules_dir() / "negation.jsonl")


class Negation:
    """Runs the negation rules over the Doc's mentions."""

    def __init__(self, name: str, path: Path) -> None:
        self.name, self.path = name, path
        self.detector = NegationDetector(load_negation_rules(path))

    def __call__(self, doc: Doc) -> Doc:
        mapping = doc.user_data.get(MAP_KEY)
        normalized = (doc_text(doc), *mapping) if mapping is not None else None
        negated = self.detector.negated(raw_text(doc), doc_mentions(doc), normalized=normalized)
        if negated:
            for ent in doc.ents:
                if raw_offsets(doc, ent.start_char, ent.end_char) in negated:
                    set_span_attrs(ent, {**span_attrs(ent), "negated": True})
        return doc

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        copy_rule_files([self.path], path)

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> "Negation":
        self.path = Path(path) / "negation.jsonl"
        self.detector = NegationDetector(load_negation_rules(self.path))
        return self
