"""Scoring predicted spans against the gold: strict and overlap P/R/F1, attribute accuracy, errors."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..labels import CORE_LABELS, LABELS

Spans = Mapping[str, list[dict[str, Any]]]
ATTRIBUTES = (("PHASE", "phase"), ("RESULT", "value"), ("RESULT", "unit"))


@dataclass
class Counts:
    tp_p: int = 0  # predictions that match a gold span
    tp_r: int = 0  # gold spans matched by a prediction
    n_pred: int = 0
    n_gold: int = 0

    def add(self, other: "Counts") -> None:
        self.tp_p += other.tp_p
        self.tp_r += other.tp_r
        self.n_pred += other.n_pred
        self.n_gold += other.n_gold

    def prf(self) -> dict[str, float]:
        p = self.tp_p / self.n_pred if self.n_pred else 0.0
        r = self.tp_r / self.n_gold if self.n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": p, "recall": r, "f1": f, "n_gold": self.n_gold, "n_pred": self.n_pred}


def _key(span: Mapping[str, Any]) -> tuple[int, int, str]:
    return span["start"], span["end"], span["label"]


def _count(gold: list[dict], pred: list[dict], label: str, strict: bool) -> Counts:
    g = [s for s in gold if s["label"] == label]
    p = [s for s in pred if s["label"] == label]
    c = Counts(n_pred=len(p), n_gold=len(g))
    if strict:
        gk, pk = {_key(s) for s in g}, {_key(s) for s in p}
        c.tp_p = len(gk & pk)
        c.tp_r = c.tp_p
    else:
        overlaps = lambda a, b: a["start"] < b["end"] and b["start"] < a["end"]  # noqa: E731
        c.tp_p = sum(any(overlaps(x, y) for y in g) for x in p)
        c.tp_r = sum(any(overlaps(y, x) for x in p) for y in g)
    return c


def same_value(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


@dataclass
class Report:
    """Scores of one comparison; ``to_dict`` is the machine-readable form."""

    labels: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    micro: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    documents: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    attributes: dict[str, dict[str, float]] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"labels": self.labels, "micro": self.micro, "documents": self.documents, "attributes": self.attributes}

    @property
    def core_f1(self) -> float:
        return self.micro["core"]["strict"]["f1"]


def score(gold: Spans, pred: Spans, texts: Mapping[str, str] | None = None, context: int = 12) -> Report:
    """Compare predictions with gold, per label, micro (core and all labels) and per document."""
    missing = set(pred) - set(gold)
    if missing:
        raise ValueError(f"predictions for documents that have no gold: {', '.join(sorted(missing))}")
    report = Report()
    totals = {(lab, mode): Counts() for lab in LABELS for mode in ("strict", "overlap")}
    for doc_id in sorted(gold):
        g, p = gold[doc_id], pred.get(doc_id, [])
        doc_counts = {"strict": Counts(), "overlap": Counts()}
        for label in LABELS:
            for mode in ("strict", "overlap"):
                c = _count(g, p, label, strict=mode == "strict")
                totals[(label, mode)].add(c)
                doc_counts[mode].add(c)
        report.documents[doc_id] = {mode: c.prf() for mode, c in doc_counts.items()}
        if texts is not None:
            report.errors.extend(_errors(doc_id, g, p, texts.get(doc_id, ""), context))
    for label in LABELS:
        report.labels[label] = {mode: totals[(label, mode)].prf() for mode in ("strict", "overlap")}
    for name, group in (("core", CORE_LABELS), ("all", LABELS)):
        report.micro[name] = {}
        for mode in ("strict", "overlap"):
            c = Counts()
            for label in group:
                c.add(totals[(label, mode)])
            report.micro[name][mode] = c.prf()
    report.attributes = _attribute_accuracy(gold, pred)
    return report


def _attribute_accuracy(gold: Spans, pred: Spans) -> dict[str, dict[str, float]]:
    out = {}
    for label, attr in ATTRIBUTES:
        right = total = 0
        for doc_id, g in gold.items():
            by_key = {_key(s): s for s in pred.get(doc_id, []) if s["label"] == label}
            for s in g:
                if s["label"] != label or _key(s) not in by_key:
                    continue
                total += 1
                right += same_value(s.get("attrs", {}).get(attr), by_key[_key(s)].get("attrs", {}).get(attr))
        out[f"{label}.{attr}"] = {"accuracy": right / total if total else 0.0, "n": total}
    return out


def _errors(doc_id: str, gold: list[dict], pred: list[dict], text: str, width: int) -> list[dict[str, Any]]:
    gk, pk = {_key(s) for s in gold}, {_key(s) for s in pred}

    def show(span: Mapping[str, Any], kind: str) -> dict[str, Any]:
        s, e = span["start"], span["end"]
        ctx = (text[max(0, s - width) : s] + "[" + text[s:e] + "]" + text[e : e + width]).replace("\n", "⏎")
        return {"doc": doc_id, "kind": kind, "start": s, "end": e, "label": span["label"], "text": text[s:e], "context": ctx}

    errs = [show(s, "FP") for s in pred if _key(s) not in gk] + [show(s, "FN") for s in gold if _key(s) not in pk]
    return sorted(errs, key=lambda e: (e["start"], e["kind"]))


def format_report(report: Report, title: str = "") -> str:
    """A terminal table: per label, micro averages, per document, attribute accuracy."""
    lines = [title] if title else []
    head = f"{'':14} {'strict P':>8} {'R':>6} {'F1':>6}   {'overlap P':>9} {'R':>6} {'F1':>6} {'gold':>5} {'pred':>5}"
    lines.append(head)

    def row(name: str, scores: dict[str, dict[str, float]]) -> str:
        s, o = scores["strict"], scores["overlap"]
        return (
            f"{name:14} {s['precision']:8.3f} {s['recall']:6.3f} {s['f1']:6.3f}   "
            f"{o['precision']:9.3f} {o['recall']:6.3f} {o['f1']:6.3f} {s['n_gold']:5d} {s['n_pred']:5d}"
        )

    lines += [row(label, report.labels[label]) for label in LABELS]
    lines.append(row("micro core", report.micro["core"]))
    lines.append(row("micro all", report.micro["all"]))
    lines.append("per document (all labels)")
    lines += [row(doc_id[:14], scores) for doc_id, scores in report.documents.items()]
    lines.append("attribute accuracy on strict matches: " + ", ".join(
        f"{name} {v['accuracy']:.3f} (n={v['n']})" for name, v in report.attributes.items()
    ))
    return "\n".join(lines)


def read_predictions(path: str | Path, doc_ids: Iterable[str],
                     without_gold: list[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Predictions in the ``medie extract`` JSONL format, matched to gold documents by file name.

    A record for a document outside ``doc_ids`` is an error, unless ``without_gold`` is given: then
    its name is appended there and the record is left out of the scores.
    """
    known = set(doc_ids)
    out: dict[str, list[dict[str, Any]]] = {}
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            name = Path(rec["id"]).name
            mentions = rec["mentions"]
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise ValueError(f"{path}:{lineno}: not a medie extract record ({err})") from err
        if name not in known:
            if without_gold is None:
                raise ValueError(f"{path}:{lineno}: document {name!r} has no gold")
            without_gold.append(name)
            continue
        for m in mentions:
            if not {"start", "end", "label"} <= set(m):
                raise ValueError(f"{path}:{lineno}: a mention lacks start, end or label: {m}")
        out[name] = mentions
    return out
