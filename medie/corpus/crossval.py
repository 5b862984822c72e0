"""Document-level K-fold cross-validation (``medie evaluate --cv``).

Documents are dealt into ``K`` folds with a fixed seed, stratified by kind (seed documents, news,
abstracts) so that each fold holds some of each. For every fold the classifier is trained on the
other folds only, and the lexicon entries whose only source is a document of the fold
(``corpus:<doc>``) are removed. Systems scored on the held-out fold:

- ``rules-only``: lexicons, patterns and context rules, no trained component;
- ``trained-only``: lexicon and pattern candidates decided by the classifier alone, without the
  hand-written context rules;
- ``combined``: the fast pipeline (the default);
- ``tagger-only``: the tagger alone, all nine labels, from the tokens (no rule at all);
- ``accurate``: the accurate pipeline (the fast one, then the tagger).

Scores are pooled over all folds (one prediction per document) and also given per fold.
**Recall on unseen names** is the strict recall of each system on the gold DRUG, TARGET, DISEASE
and TRIAL mentions whose normalised text is the form of no lexicon entry available to the fold.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from thinc.api import Config

from spacy.language import Language

from ..labels import LABELS, WORD
from ..pipeline import TAGGER, load
from ..rulefiles.lexicon import LexiconEntry
from ..text.normalize import T2S, normalized_text
from .evaluate import Report, score
from .gold import Document
from .train import predict, source_tag, train, train_tagger

SYSTEMS = ("rules-only", "trained-only", "combined", "tagger-only", "accurate")
UNSEEN_LABELS = ("DRUG", "TARGET", "DISEASE", "TRIAL")
DEFAULT_FOLDS = 5
FOLD_SEED = 7


def doc_kind(doc_id: str) -> str:
    """``seed`` (the four first documents), ``news``, ``abstract`` or ``other``, from the file name."""
    if doc_id[:3].isdigit():
        return "seed"
    for kind in ("news", "abstract"):
        if doc_id.startswith(kind + "_"):
            return kind
    return "other"


def is_traditional(text: str, threshold: float = 0.05) -> bool:
    """True when at least ``threshold`` of the Han characters are Traditional forms."""
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    return bool(han) and sum(ord(c) in T2S for c in han) / len(han) >= threshold


def assign_folds(doc_ids: Iterable[str], k: int = DEFAULT_FOLDS, seed: int = FOLD_SEED) -> dict[str, int]:
    """Deal documents into ``k`` folds, kind by kind, in a shuffled order fixed by ``seed``."""
    if k < 2:
        raise ValueError(f"cross-validation needs at least 2 folds, got {k}")
    by_kind: dict[str, list[str]] = defaultdict(list)
    for doc_id in sorted(doc_ids):
        by_kind[doc_kind(doc_id)].append(doc_id)
    if sum(map(len, by_kind.values())) < k:
        raise ValueError(f"{k} folds need at least {k} documents")
    rng, folds, nxt = random.Random(seed), {}, 0
    for kind in sorted(by_kind):
        ids = by_kind[kind]
        rng.shuffle(ids)
        for doc_id in ids:
            folds[doc_id] = nxt % k
            nxt += 1
    return folds


@dataclass
class CVResult:
    """Pooled and per-fold reports of each system, and the fold of each document."""

    folds: dict[str, int]
    pooled: dict[str, Report]
    per_fold: dict[str, list[Report]]
    subsets: dict[str, dict[str, Report | None]] = field(default_factory=dict)
    seconds: float = 0.0
    # system -> label -> (found, total) over the unseen-name gold mentions
    unseen: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "folds": self.folds,
            "seconds": self.seconds,
            "unseen_recall": {name: {lab: {"found": f, "total": t, "recall": f / t if t else None}
                                     for lab, (f, t) in labs.items()} for name, labs in self.unseen.items()},
            "systems": {
                name: {"pooled": rep.to_dict(), "per_fold": [r.to_dict() for r in self.per_fold[name]],
                       "subsets": {k: v.to_dict() if v else None for k, v in self.subsets.get(name, {}).items()}}
                for name, rep in self.pooled.items()
            },
        }


def cross_validate(docs: list[Document], cfg: Config, k: int = DEFAULT_FOLDS, seed: int = FOLD_SEED,
                   log: Callable[[str], None] | None = None) -> CVResult:
    """K-fold cross-validation of the rule, trained and combined systems (see module docstring)."""
    start = time.perf_counter()
    folds = assign_folds([d.id for d in docs], k, seed)
    gold = {d.id: d.spans for d in docs}
    texts = {d.id: d.text for d in docs}
    preds: dict[str, dict[str, list]] = {name: {} for name in SYSTEMS}
    unseen: dict[str, list[dict]] = {}
    fold_ids: list[list[str]] = [[d.id for d in docs if folds[d.id] == f] for f in range(k)]
    for f, held_ids in enumerate(fold_ids):
        t0 = time.perf_counter()
        held = [d for d in docs if folds[d.id] == f]
        rest = [d for d in docs if folds[d.id] != f]
        exclude = [source_tag(doc_id) for doc_id in held_ids]
        rules = load(trained=False, config={"components.medie_lexicon.exclude_sources": exclude})
        preds["rules-only"].update(predict(rules, held))
        preds["trained-only"].update(predict(train(rest, cfg, exclude, context=False), held))
        accurate = train(rest, cfg, exclude, pipeline="accurate")
        preds["accurate"].update(predict(accurate, held))
        with accurate.select_pipes(disable=[TAGGER]):  # the fast pipeline is the accurate one without its tagger
            preds["combined"].update(predict(accurate, held))
        preds["tagger-only"].update(predict(tagger_alone(rest), held))
        unseen.update(unseen_mentions(held, rules.get_pipe("medie_lexicon").entries))
        if log:
            log(f"fold {f + 1}/{k}: {len(held)} documents, {time.perf_counter() - t0:.1f}s")
    pooled = {name: score(gold, p, texts) for name, p in preds.items()}
    per_fold = {name: [score({i: gold[i] for i in ids}, {i: p[i] for i in ids}) for ids in fold_ids]
                for name, p in preds.items()}
    groups = {"traditional": [d.id for d in docs if is_traditional(d.text)]}
    groups["simplified"] = [d.id for d in docs if d.id not in set(groups["traditional"])]
    for kind in ("seed", "news", "abstract"):
        groups[kind] = [d.id for d in docs if doc_kind(d.id) == kind]
    subsets = {name: {g: score({i: gold[i] for i in ids}, {i: p[i] for i in ids}) if ids else None
                      for g, ids in groups.items()}
               for name, p in preds.items()}
    recall = {name: unseen_recall(unseen, p) for name, p in preds.items()}
    return CVResult(folds, pooled, per_fold, subsets, time.perf_counter() - start, recall)


def unseen_mentions(docs: Iterable[Document], entries: Iterable[LexiconEntry]) -> dict[str, list[dict]]:
    """Per document, its gold DRUG/TARGET/DISEASE/TRIAL spans whose normalised text is no lexicon form."""
    forms = {normalized_text(e.form) for e in entries if e.label != WORD}
    return {d.id: [s for s in d.spans if s["label"] in UNSEEN_LABELS and normalized_text(s["text"]) not in forms]
            for d in docs}


def unseen_recall(unseen: dict[str, list[dict]], preds: dict[str, list]) -> dict[str, tuple[int, int]]:
    """(found, total) per label: unseen-name gold mentions predicted with the same offsets and label."""
    out = {lab: [0, 0] for lab in UNSEEN_LABELS}
    for doc_id, spans in unseen.items():
        got = {(p["start"], p["end"], p["label"]) for p in preds.get(doc_id, [])}
        for s in spans:
            out[s["label"]][1] += 1
            out[s["label"]][0] += (s["start"], s["end"], s["label"]) in got
    return {lab: (f, t) for lab, (f, t) in out.items()}


def tagger_alone(docs: list[Document]) -> Language:
    """A pipeline of the tokenizer, the tagger for all nine labels (no rule features) and the attributes."""
    nlp = load("accurate", trained=False, keep_untrained=True,
               config={f"components.{TAGGER}.{k}": v for k, v in
                       {"labels": list(LABELS), "output": list(LABELS), "candidates": False, "entities": False,
                        "mode": "decide"}.items()})
    for name in list(nlp.pipe_names):
        if name not in (TAGGER, "medie_attributes"):
            nlp.remove_pipe(name)
    train_tagger(nlp, docs)
    return nlp
