"""``medie.analyze``: mentions, their relations and one findings row per RESULT (spec v2.0, "A findings row")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from spacy.language import Language

from .mention import Mention
from .relations.linker import Linker, name_key
from .relations.relation import Relation

FIELDS = ("drug", "target", "disease", "trial", "phase", "endpoint")
RESULT_ATTRS = ("value", "unit", "qualifier", "low", "high")


def _concept(m: Mention) -> str:
    return str(m.attrs.get("canonical") or name_key(m.text))


def _unique(mentions: Iterable[Mention]) -> tuple[Mention, ...]:
    """One mention per name, in text order."""
    seen, out = set(), []
    for m in sorted(mentions, key=lambda m: m.start):
        key = (m.label, name_key(m.text))
        if key not in seen:
            seen.add(key)
            out.append(m)
    return tuple(out)


@dataclass(frozen=True)
class Finding:
    """One row: a RESULT with the mentions that qualify it; every field keeps its raw offsets."""

    result: Mention
    drug: tuple[Mention, ...] = ()
    target: tuple[Mention, ...] = ()
    disease: tuple[Mention, ...] = ()
    trial: tuple[Mention, ...] = ()
    phase: tuple[Mention, ...] = ()
    endpoint: tuple[Mention, ...] = ()

    @property
    def negated(self) -> bool:
        return any(m.attrs.get("negated") for m in self.endpoint)

    def to_dict(self) -> dict[str, Any]:
        row: dict[str, Any] = {f: [{"text": m.text, "start": m.start, "end": m.end} for m in getattr(self, f)]
                               for f in FIELDS}
        row["result"] = {"text": self.result.text, "start": self.result.start, "end": self.result.end}
        for key in RESULT_ATTRS:
            row[key] = self.result.attrs.get(key)
        row["negated"] = self.negated
        return row

    def flat(self) -> dict[str, Any]:
        """A table row: each field's texts joined with `` + `` and its offsets as ``start-end`` lists."""
        row: dict[str, Any] = {}
        for f in FIELDS:
            ms = getattr(self, f)
            row[f] = " + ".join(m.text for m in ms)
            row[f"{f}_offsets"] = " ".join(f"{m.start}-{m.end}" for m in ms)
        row["result"] = self.result.text
        row["result_offsets"] = f"{self.result.start}-{self.result.end}"
        for key in RESULT_ATTRS:
            row[key] = self.result.attrs.get(key)
        row["negated"] = self.negated
        return row


def findings(mentions: list[Mention], relations: list[Relation]) -> list[Finding]:
    """One :class:`Finding` per RESULT, from its ``measures`` and ``arm`` links and the arm drugs'
    ``targets``, ``treats`` and ``tested_in`` links (through any mention of the same drug) and the
    PHASE linked to the drug or its trial."""
    from_head: dict[tuple[str, Mention], list[Mention]] = {}
    by_concept: dict[tuple[str, str], list[Mention]] = {}
    phases: dict[tuple[str, str], list[Mention]] = {}
    for r in relations:
        from_head.setdefault((r.type, r.head), []).append(r.tail)
        if r.head.label == "DRUG":
            by_concept.setdefault((r.type, _concept(r.head)), []).append(r.tail)
        if r.type == "phase_of":
            phases.setdefault((r.tail.label, _concept(r.tail)), []).append(r.head)
    rows = []
    for m in sorted(mentions, key=lambda m: m.start):
        if m.label != "RESULT":
            continue
        drugs = _unique(from_head.get(("arm", m), []))
        concepts = [_concept(d) for d in drugs]
        related = lambda t: _unique(x for c in concepts for x in by_concept.get((t, c), []))  # noqa: E731
        trials = related("tested_in")
        phase = _unique([p for c in concepts for p in phases.get(("DRUG", c), [])]
                        + [p for t in trials for p in phases.get(("TRIAL", _concept(t)), [])])
        rows.append(Finding(m, drugs, related("targets"), related("treats"), trials, phase,
                            _unique(from_head.get(("measures", m), []))))
    return rows


@dataclass
class Analysis:
    """What medie found in one text."""

    text: str
    mentions: list[Mention]
    relations: list[Relation] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return findings(self.mentions, self.relations)

    def to_dict(self) -> dict[str, Any]:
        """The standoff form: ``spans`` and ``relations`` as in the gold."""
        return {"spans": [m.to_dict() for m in self.mentions], "relations": [r.to_dict() for r in self.relations]}

    def findings_frame(self):
        """The findings as a pandas DataFrame (needs pandas)."""
        try:
            import pandas as pd
        except ImportError as err:
            raise ImportError("Analysis.findings_frame() needs pandas: pip install pandas") from err
        columns = [c for f in FIELDS for c in (f, f"{f}_offsets")] + ["result", "result_offsets", *RESULT_ATTRS, "negated"]
        return pd.DataFrame([f.flat() for f in self.findings], columns=columns)


def linker_of(nlp: Language) -> Linker:
    """The relation rules of ``nlp`` (its ``medie_relations`` component), else the shipped ones."""
    if "medie_relations" in nlp.pipe_names:
        return nlp.get_pipe("medie_relations").linker
    from .rulefiles.relations import load_relation_rules

    return Linker(load_relation_rules())
