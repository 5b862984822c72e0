"""The alternative we measured against the candidate classifier: spaCy's default ``ner``.

The folds of ``medie evaluate --cv`` (document-level, fixed seed): a ``ner`` trained on the other
folds (medie tokenizer, default ``ner`` config, fixed seed), scored alone and combined with the
rules (its entities compete in the resolver; the fold's corpus lexicon entries removed). Prints
core and all-label strict F1 per label and the training time per fold.

    python benchmarks/ner_cv.py [--epochs 20] [--folds 5]
"""

from __future__ import annotations

import argparse
import random
import time

import spacy
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

import medie
from medie.corpus import gold_doc, load_documents
from medie.corpus.crossval import assign_folds
from medie.corpus.evaluate import score
from medie.mention import LABELS
from medie.corpus.train import predict, source_tag


def train_ner(docs, epochs: int, seed: int = 13):
    fix_random_seed(seed)
    nlp = medie.load(trained=False)
    for name in list(nlp.pipe_names):
        nlp.remove_pipe(name)
    ner = nlp.add_pipe("ner")
    for label in LABELS:
        ner.add_label(label)
    examples = []
    for d in docs:  # train on sentence-sized pieces: whole long documents teach a ner little
        reference, _ = gold_doc(nlp, d)
        start = 0
        for token in reference:
            if token.text in ("。", "!", "?", ";") or token.i == len(reference) - 1:
                piece = reference[start : token.i + 1].as_doc()
                examples.append(Example(nlp.make_doc(piece.text), piece))
                start = token.i + 1
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(examples)
        for batch in minibatch(examples, size=16):
            nlp.update(batch, sgd=optimizer, drop=0.2)
    return nlp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    docs = load_documents()
    folds = assign_folds([d.id for d in docs], args.folds)
    gold = {d.id: d.spans for d in docs}
    preds = {"rules only": {}, "ner only": {}, "rules + ner": {}}
    for k in range(args.folds):
        held = [d for d in docs if folds[d.id] == k]
        rest = [d for d in docs if folds[d.id] != k]
        t0 = time.perf_counter()
        ner_nlp = train_ner(rest, args.epochs)
        took = time.perf_counter() - t0
        preds["ner only"].update(predict(ner_nlp, held))
        rules = medie.load(trained=False, config={"components.medie_lexicon.exclude_sources": [source_tag(d.id) for d in held]})
        preds["rules only"].update(predict(rules, held))
        rules.add_pipe("ner", source=ner_nlp, first=True)
        preds["rules + ner"].update(predict(rules, held))
        print(f"fold {k + 1}/{args.folds}: {len(held)} documents, ner trained in {took:.0f}s", flush=True)
    for name, p in preds.items():
        r = score(gold, p)
        labels = " ".join(f"{lab} {r.labels[lab]['strict']['f1']:.3f}" for lab in LABELS)
        print(f"{name:12} core {r.micro['core']['strict']['f1']:.3f}  all {r.micro['all']['strict']['f1']:.3f}  ({labels})")


if __name__ == "__main__":
    main()
