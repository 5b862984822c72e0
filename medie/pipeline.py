"""Building and loading the medie pipeline."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from thinc.api import Config

from . import matchers, resolve, tokenizer  # noqa: F401  (register the tokenizer and factories)

SHORTCUTS = {"segmenter": "nlp.tokenizer.segmenter"}


def default_config() -> Config:
    """The pipeline config shipped with the package (``medie/default.cfg``)."""
    text = (resources.files("medie") / "default.cfg").read_text(encoding="utf-8")
    return Config().from_str(text)


def load(path: str | Path | None = None, *, config: dict[str, Any] | None = None, **overrides: Any) -> Language:
    """Load the medie pipeline.

    ``path`` loads a pipeline saved with ``nlp.to_disk``; without it the shipped default is
    built. ``config`` takes spaCy dotted-key overrides (``{"nlp.tokenizer.segmenter": "pkuseg"}``);
    keyword shortcuts: ``segmenter="char"|"pkuseg"``.
    """
    settings = dict(config or {})
    for key, value in overrides.items():
        if key not in SHORTCUTS:
            raise TypeError(f"unknown override {key!r}; known: {', '.join(SHORTCUTS)} (or pass config={{...}})")
        settings[SHORTCUTS[key]] = value
    if path is not None:
        path = Path(path)
        if not (path / "config.cfg").exists():
            raise FileNotFoundError(f"no medie pipeline at {path} (config.cfg missing)")
        return spacy.load(path, config=settings)
    cfg = default_config().merge(Config(spacy.util.dot_to_dict(settings))) if settings else default_config()
    return spacy.util.load_model_from_config(cfg, auto_fill=True, validate=True)
