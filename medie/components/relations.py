"""``medie_relations``: links the Doc's mentions into relations of spec v2.0 (``rules/relations.jsonl``).

The relations are kept as plain raw offsets in ``doc.user_data["medie_relations"]``
(``[type, head_start, head_end, tail_start, tail_end]``), so they survive ``DocBin``, ``to_disk``
and worker processes; :func:`doc_relations` turns them back into :class:`Relation` records.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc

from ..labels import RELATIONS_KEY
from ..mention import doc_mentions, raw_text
from ..relations.linker import Linker
from ..relations.relation import Relation
from ..rulefiles import copy_rule_files, rules_dir
from ..rulefiles.relations import load_relation_rules


@Language.factory("medie_relations", default_config={})
def make_relations(nlp: Language, name: str) -> "Relations":
    return Relations(name, rules_dir() / "relations.jsonl")


class Relations:
    """Runs the relation rules over the Doc's mentions."""

    def __init__(self, name: str, path: Path) -> None:
        self.name, self.path = name, path
        self.linker = Linker(load_relation_rules(path))

    def __call__(self, doc: Doc) -> Doc:
        rels = self.linker.relate(raw_text(doc), doc_mentions(doc))
        doc.user_data[RELATIONS_KEY] = [[r.type, r.head.start, r.head.end, r.tail.start, r.tail.end] for r in rels]
        return doc

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        copy_rule_files([self.path], path)

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> "Relations":
        self.path = Path(path) / "relations.jsonl"
        self.linker = Linker(load_relation_rules(self.path))
        return self


def doc_relations(doc: Doc) -> list[Relation]:
    """The relations stored on ``doc`` by ``medie_relations``, as records with their mentions."""
    by_offsets = {(m.start, m.end): m for m in doc_mentions(doc)}
    out = []
    for rtype, hs, he, ts, te in doc.user_data.get(RELATIONS_KEY, []):
        head, tail = by_offsets.get((hs, he)), by_offsets.get((ts, te))
        if head is not None and tail is not None:
            out.append(Relation(rtype, head, tail))
    return out
