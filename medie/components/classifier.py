"""``medie_classifier``, trainable: learns which rule candidates are right, and with which label.

The rule matchers over-generate: a percentage may be a market figure, a count may be an
ordinal, a code may be a company's. This component scores every candidate in
``doc.spans["medie_candidates"]`` with a sparse linear model over hashed context features
(characters around the span, its shape, its unit, the rule that proposed it) and keeps it,
relabels it or drops it. It is cheap — it looks at candidates, not at every token — and is
trained from the gold with ``medie train``.
"""

from __future__ import annotations

from typing import Callable, Iterable

import numpy
import regex
from spacy.strings import hash_string
from spacy.language import Language
from spacy.pipeline import TrainablePipe
from spacy.scorer import Scorer
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import registry
from thinc.api import Model, Optimizer, SparseLinear
from thinc.types import Floats2d

from ..labels import CANDIDATES, LABELS
from ..manifest import check_manifest, write_manifest
from ..mention import doc_text
from .candidates import candidates

CLASSES = ("NONE",) + LABELS
REBUILD = "medie train"
_SHAPE = (regex.compile(r"\p{Han}"), "H"), (regex.compile(r"[0-9]"), "0"), (regex.compile(r"[A-Z]"), "A"), (regex.compile(r"[a-z]"), "a")


@registry.architectures("medie.CandidateScorer.v1")
def build_scorer(length: int = 2**16) -> Model:
    """Sparse linear scores, one per class, over hashed feature ids."""
    return SparseLinear(nO=len(CLASSES), length=length)


def shape(text: str) -> str:
    for pattern, char in _SHAPE:
        text = pattern.sub(char, text)
    return regex.sub(r"(.)\1{2,}", r"\1\1", text)


def features(text: str, start: int, end: int, label: str, rule: str) -> list[str]:
    """String features of one candidate over the normalised text."""
    span = text[start:end]
    left, right = text[max(0, start - 8) : start], text[end : end + 8]
    rule_base = rule.split("+")[0].rsplit(":", 1)[0] if rule.startswith("lexicon") else rule.split("+")[0]
    feats = [f"rule={rule_base}", f"shape={shape(span)}", f"last={span[-1:]}", f"first={span[:1]}", f"len={min(len(span), 12)}"]
    feats += [f"L{k}={left[-k:]}" for k in (1, 2, 3, 4) if len(left) >= k]
    feats += [f"R{k}={right[:k]}" for k in (1, 2, 3, 4) if len(right) >= k]
    feats += [f"Lb={left[i:i + 2]}" for i in range(len(left) - 1)]
    feats += [f"Rb={right[i:i + 2]}" for i in range(len(right) - 1)]
    if "context" in rule:
        feats.append("relabelled")
    return [f"{label}|{f}" for f in feats] + feats + [f"label={label}"]


def _hash(feats: list[str]) -> numpy.ndarray:
    return numpy.fromiter((hash_string(f) for f in feats), dtype="uint64", count=len(feats))


def _inputs(docs: Iterable[Doc], labels: Iterable[str]) -> tuple[tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray], list[list[Span]]]:
    """Hashed features of the candidates whose label the classifier decides on."""
    keys, lengths, spans = [], [], []
    handled = set(labels)
    for doc in docs:
        doc_spans = [s for s in candidates(doc) if s.label_ in handled]
        spans.append(doc_spans)
        text = doc_text(doc)
        for span in doc_spans:
            k = _hash(features(text, span.start_char, span.end_char, span.label_, span.id_))
            keys.append(k)
            lengths.append(len(k))
    flat = numpy.concatenate(keys) if keys else numpy.zeros((0,), dtype="uint64")
    return (flat, numpy.ones(len(flat), dtype="float32"), numpy.asarray(lengths, dtype="int32")), spans


def _softmax(scores: numpy.ndarray) -> numpy.ndarray:
    z = scores - scores.max(axis=1, keepdims=True)
    e = numpy.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@Language.factory(
    "medie_classifier",
    default_config={"model": {"@architectures": "medie.CandidateScorer.v1", "length": 65536}, "threshold": 0.5,
                    "labels": list(LABELS)},
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0},
)
def make_classifier(nlp: Language, name: str, model: Model, threshold: float, labels: list[str]) -> "CandidateClassifier":
    return CandidateClassifier(nlp.vocab, model, name, threshold=threshold, labels=labels)


class CandidateClassifier(TrainablePipe):
    """Keeps, relabels or drops rule candidates (see module docstring)."""

    def __init__(self, vocab, model: Model, name: str = "medie_classifier", *, threshold: float = 0.5,
                 labels: Iterable[str] = LABELS) -> None:
        unknown = set(labels) - set(LABELS)
        if unknown:
            raise ValueError(f"medie_classifier: unknown labels {sorted(unknown)}")
        self.vocab, self.model, self.name = vocab, model, name
        self.cfg = {"threshold": threshold, "labels": list(labels)}

    def predict(self, docs: Iterable[Doc]) -> list[numpy.ndarray]:
        docs = list(docs)
        X, spans = _inputs(docs, self.cfg["labels"])
        scores = _softmax(self.model.ops.to_numpy(self.model.predict(X))) if len(X[2]) else numpy.zeros((0, len(CLASSES)))
        out, i = [], 0
        for doc_spans in spans:
            out.append(scores[i : i + len(doc_spans)])
            i += len(doc_spans)
        return out

    def set_annotations(self, docs: Iterable[Doc], scores: list[numpy.ndarray]) -> None:
        threshold, handled = self.cfg["threshold"], set(self.cfg["labels"])
        for doc, doc_scores in zip(docs, scores):
            kept = [s for s in candidates(doc) if s.label_ not in handled]
            for span, probs in zip((s for s in candidates(doc) if s.label_ in handled), doc_scores):
                best = int(probs.argmax())
                own = CLASSES.index(span.label_)
                if best == own or probs[best] < threshold:
                    kept.append(span)
                elif best > 0 and CLASSES[best] in handled:  # relabel only among the labels it decides
                    kept.append(Span(doc, span.start, span.end, label=CLASSES[best], kb_id=span.kb_id,
                                     span_id=f"{span.id_}+{self.name}"))
                elif best > 0:  # never moves a candidate into a label it does not decide (a DOSE never becomes a DRUG)
                    kept.append(span)
            doc.spans[CANDIDATES] = kept

    def _truth(self, examples: Iterable[Example], spans: list[list[Span]]) -> numpy.ndarray:
        rows = []
        for eg, doc_spans in zip(examples, spans):
            gold = {(e.start_char, e.end_char): e.label_ for e in eg.reference.ents}
            rows += [CLASSES.index(gold.get((s.start_char, s.end_char), "NONE")) for s in doc_spans]
        return numpy.asarray(rows, dtype="int32")

    def update(self, examples: Iterable[Example], *, drop: float = 0.0, sgd: Optimizer | None = None,
               losses: dict[str, float] | None = None) -> dict[str, float]:
        losses = {} if losses is None else losses
        losses.setdefault(self.name, 0.0)
        examples = list(examples)
        X, spans = _inputs((eg.predicted for eg in examples), self.cfg["labels"])
        if not len(X[2]):
            return losses
        scores, backprop = self.model.begin_update(X)
        loss, d_scores = self.get_loss(examples, (scores, spans))
        backprop(d_scores)
        if sgd is not None:
            self.finish_update(sgd)
        losses[self.name] += loss
        return losses

    def get_loss(self, examples: Iterable[Example], scores_spans) -> tuple[float, Floats2d]:
        scores, spans = scores_spans
        truth = self._truth(examples, spans)
        probs = _softmax(self.model.ops.to_numpy(scores))
        d = probs.copy()
        d[numpy.arange(len(truth)), truth] -= 1.0
        loss = float(-numpy.log(probs[numpy.arange(len(truth)), truth] + 1e-9).sum())
        return loss, self.model.ops.asarray(d / max(1, len(truth)), dtype="float32")

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Language | None = None) -> None:
        self.model.initialize()

    def score(self, examples: Iterable[Example], **kwargs) -> dict:
        return Scorer.score_spans(examples, "ents", **kwargs)

    def to_disk(self, path, *, exclude: Iterable[str] = tuple()) -> None:
        """Save the weights and their sha256 manifest."""
        super().to_disk(path, exclude=exclude)
        write_manifest(path)

    def from_disk(self, path, *, exclude: Iterable[str] = tuple()) -> "CandidateClassifier":
        """Load the weights after checking them against their manifest."""
        check_manifest(path, REBUILD, ("cfg", "model"))
        return super().from_disk(path, exclude=exclude)
