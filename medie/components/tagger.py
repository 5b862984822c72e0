"""``medie_tagger``, trainable: a token tagger for the mentions the rules miss.

An averaged structured perceptron (:mod:`medie.tagging.perceptron`) over BILUO tags with sparse
token features (:mod:`medie.tagging.features`): the tokens around, their shapes, and optionally
the rule candidates and the rule decision. It runs after the propagator. With ``mode = "fill"``
(the accurate pipeline) it adds its mentions of the ``output`` labels where no rule mention
overlaps; with ``mode = "decide"`` it makes the final decision for those labels (it may drop or
reshape a rule mention). It is trained on ``labels`` (all nine by default) even when it outputs
fewer. Mentions it keeps unchanged from the rules keep their canonical name and rule id. Trained
with ``medie train --pipeline accurate``; the weights are saved with a sha256 manifest that is
checked on load.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Sequence

import numpy
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..labels import LABELS
from ..manifest import check_manifest, write_manifest
from ..tagging.features import doc_features
from ..tagging.perceptron import Perceptron, biluo_tags, spans_to_tags, tags_to_spans
from .candidates import candidates

REBUILD = "medie train --pipeline accurate"
MODES = ("decide", "fill")
FILES = ("cfg.json", "features.json", "weights.npy", "transitions.npy")


@Language.factory("medie_tagger", default_config={"labels": list(LABELS), "output": [], "mode": "decide", "candidates": True,
                                                  "entities": True, "window": 2, "epochs": 12, "seed": 13,
                                                  "min_count": 1, "dropout": 0.0, "transitions": True,
                                                  "char_classes": False})
def make_tagger(nlp: Language, name: str, labels: list[str], output: list[str], mode: str, candidates: bool,
                entities: bool, window: int, epochs: int, seed: int, min_count: int, dropout: float,
                transitions: bool, char_classes: bool) -> "Tagger":
    return Tagger(name, labels, mode, candidates, entities, window, epochs, seed, min_count, dropout, transitions, output,
                  char_classes)


class Tagger:
    """Tags ``labels`` token by token and adds or decides the mentions of ``output`` (see module docstring)."""

    def __init__(self, name: str, labels: Sequence[str], mode: str = "decide", candidates: bool = True,
                 entities: bool = True, window: int = 2, epochs: int = 12, seed: int = 13, min_count: int = 1,
                 dropout: float = 0.0, transitions: bool = True, output: Sequence[str] = (),
                 char_classes: bool = False) -> None:
        unknown = set(labels) - set(LABELS)
        if unknown or not labels:
            raise ValueError(f"medie_tagger labels must be some of {', '.join(LABELS)}, got {list(labels)}")
        if set(output) - set(labels):
            raise ValueError(f"medie_tagger output labels {sorted(set(output) - set(labels))} are not among its labels")
        if mode not in MODES:
            raise ValueError(f"medie_tagger mode must be one of {', '.join(MODES)}, got {mode!r}")
        self.name, self.labels, self.mode = name, list(labels), mode
        self.output = list(output) or list(labels)
        self.min_count, self.dropout, self.window = min_count, dropout, window
        self.transitions = transitions
        self.use_candidates, self.use_entities, self.epochs, self.seed = candidates, entities, epochs, seed
        self.model = Perceptron(biluo_tags(self.labels))
        self.use_char_classes = char_classes  # train_tagger then passes the lexicon's character classes
        self.classes: dict[str, str] | None = None
        self.trained = False

    def features(self, doc: Doc) -> list[list[str]]:
        return doc_features(doc, candidates=self.use_candidates, entities=self.use_entities, window=self.window,
                            classes=self.classes)

    def __call__(self, doc: Doc) -> Doc:
        if not self.trained:
            raise RuntimeError(f"{self.name} has no weights; train it with `{REBUILD}` or load a trained pipeline")
        found = [s for s in tags_to_spans(self.model.predict(self.features(doc)), self.model.tags) if s[2] in self.output]
        mine = set(self.output)
        known = {(s.start, s.end, s.label_): s for s in list(candidates(doc)) + list(doc.ents)}
        kept = [e for e in doc.ents if self.mode == "fill" or e.label_ not in mine]
        taken = bytearray(len(doc))
        for e in kept:
            taken[e.start : e.end] = b"\x01" * len(e)
        for start, end, label in found:
            if any(taken[start:end]):
                continue
            span = known.get((start, end, label))
            kept.append(span if span is not None else Span(doc, start, end, label=label))
        doc.ents = sorted(kept, key=lambda s: s.start)
        return doc

    def fit(self, examples: Iterable[tuple[Doc, Doc]], classes: dict[str, str] | None = None) -> None:
        """Train from (doc after the preceding components, gold doc with ``ents``) pairs of the same tokens.

        ``classes`` (:func:`medie.tagging.features.char_classes` of the lexicon) adds character-class
        features; they are saved with the weights.
        """
        self.classes = classes
        seqs = []
        for predicted, reference in examples:
            if len(predicted) != len(reference):
                raise ValueError("medie_tagger: a training Doc and its gold Doc have different tokens")
            spans = [(e.start, e.end, e.label_) for e in reference.ents if e.label_ in self.labels]
            gold = spans_to_tags(len(reference), spans, self.model.tags)
            feats = self.features(predicted)
            inside = {i for s, e, _ in spans for i in range(s, e - 1)}
            for lo, hi in _sentences(reference, inside):
                seqs.append((feats[lo:hi], gold[lo:hi]))
        if not seqs:
            raise ValueError("medie_tagger: no training examples")
        self.model.fit(seqs, epochs=self.epochs, seed=self.seed, min_count=self.min_count, dropout=self.dropout,
                       protect=("e=", "c="), learn_transitions=self.transitions)
        # the weights are saved as float16: predict with exactly what a reload will give
        self.model.weights = self.model.weights.astype(numpy.float16).astype(numpy.float32)
        self.trained = True

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if not self.trained:
            raise RuntimeError(f"{self.name} has no weights to save; train it with `{REBUILD}`")
        cfg = {"labels": self.labels, "tags": self.model.tags, "classes": self.classes}
        (path / "cfg.json").write_text(json.dumps(cfg, ensure_ascii=False), encoding="utf-8")
        (path / "features.json").write_text(json.dumps(self.model.features, ensure_ascii=False), encoding="utf-8")
        numpy.save(path / "weights.npy", self.model.weights.astype(numpy.float16))
        numpy.save(path / "transitions.npy", self.model.transitions)
        write_manifest(path)

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> "Tagger":
        path = Path(path)
        check_manifest(path, REBUILD, FILES)
        try:
            cfg = json.loads((path / "cfg.json").read_text(encoding="utf-8"))
            features = json.loads((path / "features.json").read_text(encoding="utf-8"))
            weights = numpy.load(path / "weights.npy").astype(numpy.float32)
            transitions = numpy.load(path / "transitions.npy")
            self.model = Perceptron(cfg["tags"], features, weights, transitions)
        except (ValueError, KeyError, OSError) as err:
            raise ValueError(f"tagger weights at {path} cannot be read ({err}); rebuild them with `{REBUILD}`") from err
        missing = set(self.output) - set(cfg["labels"])
        if missing:
            raise ValueError(f"tagger weights at {path} were trained without {sorted(missing)}, which the config "
                             f"asks it to output; retrain with `{REBUILD}`")
        self.labels, self.classes, self.trained = list(cfg["labels"]), cfg.get("classes"), True
        return self


def _sentences(doc: Doc, inside: set[int]) -> list[tuple[int, int]]:
    """Token ranges cut after sentence-final punctuation and line breaks, never inside a gold span."""
    out, start = [], 0
    for tok in doc:
        if tok.i not in inside and tok.text in ("。", "！", "？", "；", "!", "?", ";") or "\n" in tok.text:
            if tok.i + 1 > start:
                out.append((start, tok.i + 1))
            start = tok.i + 1
    if start < len(doc):
        out.append((start, len(doc)))
    return out
