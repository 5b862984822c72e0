"""Would a sentence scorer help RESULT? A measurement, not a shipped component.

Same folds and lexicon removal as ``medie evaluate --cv``, rules-only predictions. Every sentence
(``medie.text.sentences``) with at least one predicted RESULT is an example: positive when the
gold has a RESULT in it, negative otherwise. A logistic regression over the sentence's normalised
characters and character bigrams is trained on the other folds and, at each threshold, the RESULT
mentions of held-out sentences scored below it are dropped. Prints RESULT precision, recall and F1
per threshold beside the rules alone.

    python benchmarks/result_sentence_gate.py [--epochs 20] [--thresholds 0.1,0.2,0.3,0.5]
"""

from __future__ import annotations

import argparse
import math
from collections import defaultdict

from medie.corpus import load_documents
from medie.corpus.crossval import assign_folds
from medie.corpus.train import predict, source_tag
from medie.pipeline import load
from medie.text.normalize import normalized_text
from medie.text.sentences import sentences

Example = tuple[frozenset[str], bool, list[tuple[int, int]]]


def examples(text: str, gold: set[tuple[int, int]], predicted: list[dict]) -> list[Example]:
    """(features, has a gold RESULT, predicted RESULT offsets) for each sentence with a predicted RESULT."""
    out = []
    for start, end in sentences(text):
        spans = [(p["start"], p["end"]) for p in predicted if p["label"] == "RESULT" and start <= p["start"] < end]
        if spans:
            norm = normalized_text(text[start:end])
            feats = frozenset(norm) | frozenset(norm[i : i + 2] for i in range(len(norm) - 1))
            out.append((feats, any(start <= s < end for s, _ in gold), spans))
    return out


def fit(data: list[Example], epochs: int, rate: float = 0.2, l2: float = 1e-3) -> tuple[dict[str, float], float]:
    """Logistic regression by stochastic gradient descent (feature order fixed, so runs repeat)."""
    weights: dict[str, float] = defaultdict(float)
    bias = 0.0
    for _ in range(epochs):
        for feats, label, _ in data:
            grad = probability(weights, bias, feats) - label
            bias -= rate * grad
            for f in sorted(feats):
                weights[f] -= rate * (grad + l2 * weights[f])
    return weights, bias


def probability(weights: dict[str, float], bias: float, feats: frozenset[str]) -> float:
    z = bias + sum(weights.get(f, 0.0) for f in feats)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def report(name: str, tp: int, predicted: int, gold: int) -> None:
    p, r = tp / predicted if predicted else 0.0, tp / gold if gold else 0.0
    print(f"{name:24} P {p:.3f}  R {r:.3f}  F1 {2 * p * r / (p + r) if p + r else 0.0:.3f}  ({predicted} predicted)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--thresholds", default="0.1,0.2,0.3,0.5")
    args = parser.parse_args()
    docs = load_documents()
    folds = assign_folds([d.id for d in docs])
    gold = {d.id: {(s["start"], s["end"]) for s in d.spans if s["label"] == "RESULT"} for d in docs}
    data: dict[str, list[Example]] = {}
    for f in sorted(set(folds.values())):
        held = [d for d in docs if folds[d.id] == f]
        nlp = load(trained=False, config={"components.medie_lexicon.exclude_sources": [source_tag(d.id) for d in held]})
        for doc_id, mentions in predict(nlp, held).items():
            data[doc_id] = examples(next(d.text for d in held if d.id == doc_id), gold[doc_id], mentions)
    total = sum(len(g) for g in gold.values())
    spans = [(doc_id, s) for doc_id, items in data.items() for _, _, ss in items for s in ss]
    report("rules only", sum(s in gold[i] for i, s in spans), len(spans), total)
    models = {f: fit([e for d in docs if folds[d.id] != f for e in data[d.id]], args.epochs)
              for f in sorted(set(folds.values()))}
    for threshold in (float(t) for t in args.thresholds.split(",")):
        tp = kept = 0
        for d in docs:
            weights, bias = models[folds[d.id]]
            for feats, _, ss in data[d.id]:
                if probability(weights, bias, feats) >= threshold:
                    kept += len(ss)
                    tp += sum(s in gold[d.id] for s in ss)
        report(f"gate at {threshold:g}", tp, kept, total)


if __name__ == "__main__":
    main()
