"""Training the candidate classifier from the gold (``medie train``), and predicting with a pipeline."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any, Iterable

from spacy.language import Language
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch, registry
from thinc.api import Config

from ..pipeline import CLASSIFIER, load
from .gold import REPO, Document, gold_doc

TRAIN_CONFIG = REPO / "configs" / "train.cfg"


def read_config(path: str | Path | None = None) -> Config:
    """A training config: ``path``, else ``configs/train.cfg`` of the checkout or of the installed package."""
    if path is None:
        installed = Path(__file__).resolve().parent.parent / "configs" / "train.cfg"
        path = TRAIN_CONFIG if TRAIN_CONFIG.is_file() else installed
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"training config {path} not found")
    return Config().from_disk(path)


def source_tag(doc_id: str) -> str:
    """The lexicon ``source`` value of names first seen in a corpus document."""
    return f"corpus:{doc_id}"


def build_untrained(cfg: Config, exclude_sources: Iterable[str] = (), context: bool = True) -> Language:
    """The default pipeline with a fresh classifier configured from ``cfg``."""
    settings: dict[str, Any] = {"components.medie_lexicon.exclude_sources": list(exclude_sources)}
    for key, value in cfg["components"][CLASSIFIER].items():
        settings[f"components.{CLASSIFIER}.{key}"] = value
    nlp = load(config=settings, trained=False, keep_untrained=True)
    if not context:
        nlp.remove_pipe("medie_context")
    return nlp


def train(docs: list[Document], cfg: Config, exclude_sources: Iterable[str] = (), context: bool = True,
          log: bool = False) -> Language:
    """Train the classifier on ``docs``; return the whole pipeline with it."""
    t = cfg["training"]
    fix_random_seed(t["seed"])
    rng = random.Random(t["seed"])
    nlp = build_untrained(cfg, exclude_sources, context)
    annotators = [name for name in t["annotating_components"] if name in nlp.pipe_names]
    examples = []
    for document in docs:
        reference, _ = gold_doc(nlp, document)
        predicted = nlp.make_doc(document.text)
        for name in annotators:
            predicted = nlp.get_pipe(name)(predicted)
        examples.append(Example(predicted, reference))
    classifier = nlp.get_pipe(CLASSIFIER)
    classifier.initialize(lambda: examples, nlp=nlp)
    optimizer = registry.resolve({"o": t["optimizer"]})["o"]
    start = time.perf_counter()
    for epoch in range(t["max_epochs"]):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=t["batch_size"]):
            classifier.update(batch, sgd=optimizer, losses=losses)
        if log:
            print(f"epoch {epoch + 1:3d}  loss {losses.get(CLASSIFIER, 0.0):10.3f}  {time.perf_counter() - start:6.1f}s")
    return nlp


def predict(nlp: Language, docs: Iterable[Document]) -> dict[str, list[dict[str, Any]]]:
    from .. import extract

    return {d.id: [m.to_dict() for m in extract(d.text, nlp)] for d in docs}
