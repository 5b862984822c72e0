"""Scoring relations and negation against the gold (spec v2.0, "Scoring").

A predicted relation is correct when its type and head match a gold relation and its tail is the
gold tail, or (``measures``) the bracketed partner of the gold tail, or (other types) another gold
mention of the same label whose normalised text equals the gold tail's. Each gold relation is
matched by at most one prediction. ``negated`` is scored over strictly matched ENDPOINT/DISEASE spans.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable, Mapping

from ..labels import NEGATABLE, RELATION_TYPES
from ..relations.linker import name_key
from .evaluate import Counts

Span = tuple[int, int, str]


def _span_index(spans: Iterable[Mapping[str, Any]]) -> dict[tuple[int, int], Span]:
    return {(s["start"], s["end"]): (s["start"], s["end"], s["label"]) for s in spans}


def _partners(text: str, spans: dict[tuple[int, int], Span]) -> dict[tuple[int, int], set[tuple[int, int]]]:
    """Bracketed partners: ``客观缓解率（ORR）`` — a full name and the abbreviation in brackets after it."""
    ordered = sorted(spans)
    out: dict[tuple[int, int], set[tuple[int, int]]] = defaultdict(set)
    for a, b in zip(ordered, ordered[1:]):
        gap = text[a[1]:b[0]].strip()
        if gap in ("（", "(") and text[b[1]:b[1] + 1] in ("）", ")") and spans[a][2] == spans[b][2]:
            out[a].add(b)
            out[b].add(a)
    return out


def _acceptable(rtype: str, gold_tail: tuple[int, int], text: str, spans: dict[tuple[int, int], Span],
                partners, names: dict[tuple[int, int], str]) -> set[tuple[int, int]]:
    ok = {gold_tail}
    if rtype == "measures":
        ok |= partners.get(gold_tail, set())
    else:
        label, name = spans[gold_tail][2], names[gold_tail]
        ok |= {k for k, s in spans.items() if s[2] == label and names[k] == name}
    return ok


def score_relations(gold: Mapping[str, tuple[str, list[dict], list[dict]]],
                    predicted: Mapping[str, list[dict]],
                    predicted_spans: Mapping[str, list[dict]] | None = None) -> dict[str, Any]:
    """Per-type and micro P/R/F1.

    ``gold`` maps a document to ``(text, spans, relations)``; ``predicted`` maps it to relations in
    the standoff form. With ``predicted_spans`` (end to end) a head must also be a strictly matching
    predicted span; the labels of predicted heads and tails are taken from those spans.
    """
    totals = {t: Counts() for t in RELATION_TYPES}
    for doc_id, (text, spans, gold_rels) in gold.items():
        index = _span_index(spans)
        names = {k: name_key(text[k[0]:k[1]]) for k in index}
        partners = _partners(text, index)
        pred_index = _span_index(predicted_spans.get(doc_id, [])) if predicted_spans is not None else index
        by_head: dict[tuple[str, tuple[int, int]], list[set[tuple[int, int]]]] = defaultdict(list)
        for r in gold_rels:
            head, tail = tuple(r["head"]), tuple(r["tail"])
            by_head[(r["type"], head)].append(_acceptable(r["type"], tail, text, index, partners, names))
            totals[r["type"]].n_gold += 1
        used: set[tuple[str, tuple[int, int], int]] = set()
        seen = set()
        for r in predicted.get(doc_id, []):
            key = (r["type"], tuple(r["head"]), tuple(r["tail"]))
            if key in seen or r["type"] not in totals:
                continue
            seen.add(key)
            rtype, head, tail = key
            totals[rtype].n_pred += 1
            head_gold = index.get(head)
            if head_gold is None or pred_index.get(head) != head_gold:
                continue
            if predicted_spans is not None and (tail not in pred_index or pred_index[tail] != index.get(tail)):
                continue
            for i, ok in enumerate(by_head.get((rtype, head), [])):
                if (rtype, head, i) not in used and tail in ok:
                    used.add((rtype, head, i))
                    totals[rtype].tp_p += 1
                    totals[rtype].tp_r += 1
                    break
    micro = Counts()
    for c in totals.values():
        micro.add(c)
    return {"types": {t: c.prf() for t, c in totals.items()}, "micro": micro.prf()}


def score_negation(gold_spans: Mapping[str, list[dict]], pred_spans: Mapping[str, list[dict]]) -> dict[str, float]:
    """Precision and recall of ``negated`` over strictly matched ENDPOINT and DISEASE spans."""
    c = Counts()
    for doc_id, gold in gold_spans.items():
        pred = {(s["start"], s["end"], s["label"]): s for s in pred_spans.get(doc_id, [])}
        for g in gold:
            key = (g["start"], g["end"], g["label"])
            if g["label"] not in NEGATABLE or key not in pred:
                continue
            gn = bool(g.get("attrs", {}).get("negated"))
            pn = bool(pred[key].get("attrs", {}).get("negated"))
            c.n_gold += gn
            c.n_pred += pn
            c.tp_p += gn and pn
            c.tp_r += gn and pn
    return c.prf()
