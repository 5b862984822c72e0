"""Training the trained parts of a pipeline from the gold (``medie train``), and predicting with a pipeline.

The fast pipeline has one trained part, the candidate classifier; the accurate pipeline also has
the tagger, trained after the classifier on what the components before it produce.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any, Iterable

from spacy.language import Language
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch, registry
from thinc.api import Config

from ..pipeline import CLASSIFIER, TAGGER, configs_dir, load
from ..tagging.features import char_classes
from .gold import Document, gold_doc


def read_config(path: str | Path | None = None) -> Config:
    """A training config: ``path``, else ``configs/train.cfg`` of the installed package or the checkout."""
    path = Path(path) if path is not None else configs_dir() / "train.cfg"
    if not path.is_file():
        raise FileNotFoundError(f"training config {path} not found")
    return Config().from_disk(path)


def source_tag(doc_id: str) -> str:
    """The lexicon ``source`` value of names first seen in a corpus document."""
    return f"corpus:{doc_id}"


def build_untrained(cfg: Config, exclude_sources: Iterable[str] = (), context: bool = True,
                    pipeline: str = "fast") -> Language:
    """A shipped pipeline with fresh trained parts, the classifier configured from ``cfg``."""
    settings: dict[str, Any] = {"components.medie_lexicon.exclude_sources": list(exclude_sources)}
    for key, value in cfg["components"][CLASSIFIER].items():
        settings[f"components.{CLASSIFIER}.{key}"] = value
    nlp = load(pipeline, config=settings, trained=False, keep_untrained=True)
    if not context:
        nlp.remove_pipe("medie_context")
    return nlp


def train(docs: list[Document], cfg: Config, exclude_sources: Iterable[str] = (), context: bool = True,
          log: bool = False, pipeline: str = "fast") -> Language:
    """Train the classifier (and for ``pipeline="accurate"`` then the tagger) on ``docs``; return the pipeline."""
    t = cfg["training"]
    fix_random_seed(t["seed"])
    rng = random.Random(t["seed"])
    nlp = build_untrained(cfg, exclude_sources, context, pipeline)
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
    if TAGGER in nlp.pipe_names:
        train_tagger(nlp, docs, log)
    return nlp


def train_tagger(nlp: Language, docs: Iterable[Document], log: bool = False) -> None:
    """Fit the pipeline's tagger on what the components before it produce for ``docs``."""
    start = time.perf_counter()
    before = nlp.pipe_names[: nlp.pipe_names.index(TAGGER)]
    examples = []
    for document in docs:
        doc = nlp.make_doc(document.text)
        for name in before:
            doc = nlp.get_pipe(name)(doc)
        examples.append((doc, gold_doc(nlp, document)[0]))
    tagger = nlp.get_pipe(TAGGER)
    classes = None
    if tagger.use_char_classes and "medie_lexicon" in nlp.pipe_names:
        classes = char_classes((e.form, e.label) for e in nlp.get_pipe("medie_lexicon").entries)
    tagger.fit(examples, classes)
    if log:
        print(f"tagger: {len(tagger.model.index)} features, trained in {time.perf_counter() - start:.1f}s")


def predict(nlp: Language, docs: Iterable[Document]) -> dict[str, list[dict[str, Any]]]:
    from .. import extract

    return {d.id: [m.to_dict() for m in extract(d.text, nlp)] for d in docs}
