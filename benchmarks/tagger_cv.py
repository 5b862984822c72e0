"""The tagger settings we measured, side by side in one 5-fold cross-validation run.

Same folds and lexicon removal as ``medie evaluate --cv``. In each fold the fast pipeline is
trained on the other folds; every tagger variant is then trained on what the components up to
the propagator produce for those documents (with ``"crossfit": true`` on what a pipeline trained without each document — its classifier
and its corpus lexicon entries — produces for it, in four inner folds; with ``"char_classes": true`` the character classes of the fold's lexicon as features; plus,
for variants with ``"external": N``, the first
N CMeEE training sentences outside medie's 2,000-sentence development sample, class-name drugs
removed) and placed after the propagator. Prints strict F1 per label, micro core and all, and the
recall on unseen names, for the fast pipeline and each variant.

    python benchmarks/tagger_cv.py [--variants FILE.json] [--epochs 12]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from medie.components.tagger import Tagger
from medie.tagging.features import char_classes
from medie.corpus import gold_doc, load_documents
from medie.corpus.crossval import UNSEEN_LABELS, assign_folds, unseen_mentions, unseen_recall
from medie.corpus.evaluate import score
from medie.corpus.external import external_dir, is_drug_class, read_cmeee
from medie.corpus.gold import Document
from medie.corpus.train import predict, read_config, source_tag, train
from medie.labels import LABELS
from medie.mention import doc_mentions

ALL = list(LABELS)
VARIANTS = {
    "decide, all labels, rule features": {"labels": ALL},
    "decide, rule features, cross-fitted": {"labels": ALL, "crossfit": True},
    "decide DRUG TARGET DISEASE ENDPOINT, rule features, cross-fitted": {
        "labels": ALL, "output": ["DRUG", "TARGET", "DISEASE", "ENDPOINT"], "crossfit": True},
    "decide, rule features, no transitions": {"labels": ALL, "transitions": False},
    "decide, rule features, dropout 0.5": {"labels": ALL, "dropout": 0.5},
    "fill, all labels, text only": {"labels": ALL, "mode": "fill", "candidates": False, "entities": False},
    "fill, all labels, candidates": {"labels": ALL, "mode": "fill", "entities": False},
    "fill PHASE ENDPOINT SAMPLE_SIZE": {"labels": ["PHASE", "ENDPOINT", "SAMPLE_SIZE"], "mode": "fill",
                                        "candidates": False, "entities": False},
    "fill PHASE ENDPOINT": {"labels": ["PHASE", "ENDPOINT"], "mode": "fill", "candidates": False, "entities": False},
    "all labels, output DRUG PHASE ENDPOINT (shipped)": {"labels": ALL, "output": ["DRUG", "PHASE", "ENDPOINT"],
                                                         "mode": "fill", "candidates": False, "entities": False},
    "all labels + character classes, output DRUG PHASE ENDPOINT": {
        "labels": ALL, "output": ["DRUG", "PHASE", "ENDPOINT"], "mode": "fill", "candidates": False,
        "entities": False, "char_classes": True},
    "all labels, output DRUG TARGET DISEASE PHASE ENDPOINT": {
        "labels": ALL, "output": ["DRUG", "TARGET", "DISEASE", "PHASE", "ENDPOINT"], "mode": "fill",
        "candidates": False, "entities": False},
    "fill DRUG DISEASE + 13,000 CMeEE": {"labels": ["DRUG", "DISEASE"], "mode": "fill", "candidates": False,
                                         "entities": False, "external": 13000},
}


def _non_overlapping(spans: list[dict]) -> list[dict]:
    out: list[dict] = []
    for s in sorted(spans, key=lambda s: -(s["end"] - s["start"])):
        if not any(o["start"] < s["end"] and s["start"] < o["end"] for o in out):
            out.append(s)
    return sorted(out, key=lambda s: s["start"])


def external_training(n: int) -> list[Document]:
    """CMeEE training sentences outside the development sample, class names not counted as drugs."""
    if n <= 0:
        return []
    dev = {d.id for d in read_cmeee(external_dir())}
    docs = [d for d in read_cmeee(external_dir(), sample=None) if d.id not in dev][:n]
    return [Document(d.id, d.text, _non_overlapping([s for s in d.spans
                                                     if not (s["label"] == "DRUG" and is_drug_class(s["text"]))]))
            for d in docs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=Path, help="JSON object: name -> medie_tagger settings (+ 'external': N)")
    parser.add_argument("--epochs", type=int, default=12)
    args = parser.parse_args()
    variants = json.loads(args.variants.read_text(encoding="utf-8")) if args.variants else VARIANTS
    docs = load_documents()
    folds, cfg = assign_folds([d.id for d in docs]), read_config()
    gold = {d.id: d.spans for d in docs}
    preds: dict[str, dict] = {"fast pipeline": {}} | {name: {} for name in variants}
    external = external_training(max(int(v.get("external", 0)) for v in variants.values()))
    unseen: dict[str, list[dict]] = {}
    start = time.perf_counter()
    for f in range(max(folds.values()) + 1):
        held = [d for d in docs if folds[d.id] == f]
        rest = [d for d in docs if folds[d.id] != f]
        exclude = [source_tag(d.id) for d in held]
        nlp = train(rest, cfg, exclude)
        preds["fast pipeline"].update(predict(nlp, held))
        unseen.update(unseen_mentions(held, nlp.get_pipe("medie_lexicon").entries))
        before = nlp.pipe_names[: nlp.pipe_names.index("medie_propagate") + 1]

        def run(pipeline, document: Document):
            doc = pipeline.make_doc(document.text)
            for name in before:
                doc = pipeline.get_pipe(name)(doc)
            return doc

        examples = [(run(nlp, d), gold_doc(nlp, d)[0]) for d in rest]
        held_docs = [(d, run(nlp, d)) for d in held]
        crossfit: list = []
        if any(v.get("crossfit") for v in variants.values()):
            # rule features of each training document from a pipeline that did not see it
            for g in range(4):
                group = [d for i, d in enumerate(rest) if i % 4 == g]
                inner = train([d for d in rest if d not in group], cfg, exclude + [source_tag(d.id) for d in group])
                crossfit += [(run(inner, d), gold_doc(inner, d)[0]) for d in group]
        for name, settings in variants.items():
            settings = dict(settings)
            n_ext = int(settings.pop("external", 0))
            own = crossfit if settings.pop("crossfit", False) else examples
            classes = None
            if settings.pop("char_classes", False):
                classes = char_classes((e.form, e.label) for e in nlp.get_pipe("medie_lexicon").entries)
            extra = [(nlp.make_doc(d.text), gold_doc(nlp, d)[0]) for d in external[:n_ext]]
            tagger = Tagger("medie_tagger", epochs=args.epochs, **settings)
            tagger.fit(own + extra, classes)
            for d, doc in held_docs:
                out = nlp.get_pipe("medie_attributes")(tagger(doc.copy()))
                preds[name][d.id] = [m.to_dict() for m in doc_mentions(out)]
        print(f"fold {f + 1}: {time.perf_counter() - start:.0f}s", flush=True)
    width = max(map(len, preds)) + 1
    print(f"\n{'system':{width}} core   all  " + " ".join(f"{lab[:8]:>8}" for lab in LABELS)
          + "  unseen " + " ".join(f"{lab[:7]:>7}" for lab in UNSEEN_LABELS))
    for name, p in preds.items():
        r = score(gold, p)
        recall = unseen_recall(unseen, p)
        print(f"{name:{width}} {r.micro['core']['strict']['f1']:.3f} {r.micro['all']['strict']['f1']:.3f} "
              + " ".join(f"{r.labels[lab]['strict']['f1']:8.3f}" for lab in LABELS) + "         "
              + " ".join(f"{found / total if total else 0:7.3f}" for found, total in recall.values()))


if __name__ == "__main__":
    main()
