"""Building and loading the medie pipeline."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, Callable

import spacy
from spacy.language import Language
from spacy.util import registry
from thinc.api import Config

from . import components  # noqa: F401  (registers the component factories)
from .text.tokenizer import MedieTokenizer

SHORTCUTS = {"segmenter": "nlp.tokenizer.segmenter"}
CLASSIFIER = "medie_classifier"
MODEL_DIR = Path(__file__).resolve().parent / "model" / CLASSIFIER
REBUILD = "medie train"


@registry.tokenizers("medie.Tokenizer.v1")
def create_tokenizer(segmenter: str = "char", user_dict: bool = True) -> Callable[[Language], MedieTokenizer]:
    """Config entry point: ``[nlp.tokenizer] @tokenizers = "medie.Tokenizer.v1"``.

    With ``segmenter = "pkuseg"`` and ``user_dict``, the lexicon forms are pkuseg's user dictionary.
    """

    def make(nlp: Language) -> MedieTokenizer:
        words: list[str] = []
        if user_dict and segmenter == "pkuseg":
            from .rulefiles.lexicon import load_lexicons

            words = [entry.form for entry in load_lexicons()]
        return MedieTokenizer(nlp.vocab, segmenter=segmenter, user_words=words)

    return make


def default_config() -> Config:
    """The pipeline config shipped with the package (``medie/default.cfg``)."""
    text = (resources.files("medie") / "default.cfg").read_text(encoding="utf-8")
    return Config().from_str(text)


def load_classifier(nlp: Language, model_dir: Path = MODEL_DIR) -> None:
    """Load the shipped classifier weights into ``nlp``; a clear error if they are missing or corrupt."""
    if not (model_dir / "model").is_file() or not (model_dir / "cfg").is_file():
        raise FileNotFoundError(
            f"medie's trained classifier is missing at {model_dir}; rebuild it with `{REBUILD}` "
            "(or use medie.load(trained=False) for rules only)"
        )
    try:
        nlp.get_pipe(CLASSIFIER).from_disk(model_dir)
    except Exception as err:  # a truncated or foreign file surfaces as many different errors
        raise ValueError(f"medie's trained classifier at {model_dir} is corrupt ({err}); rebuild it with `{REBUILD}`") from err


def load(path: str | Path | None = None, *, config: dict[str, Any] | None = None, trained: bool = True,
         keep_untrained: bool = False, **overrides: Any) -> Language:
    """Load the medie pipeline.

    ``path`` loads a pipeline saved with ``nlp.to_disk``; without it the shipped default is
    built from ``medie/default.cfg`` with the rules read from ``rules/`` and the trained
    classifier from ``medie/model/``. ``trained=False`` gives the rules-only pipeline.
    ``config`` takes spaCy dotted-key overrides (``{"nlp.tokenizer.segmenter": "pkuseg"}``);
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
    nlp = spacy.util.load_model_from_config(cfg, auto_fill=True, validate=True)
    if CLASSIFIER in nlp.pipe_names:
        if trained:
            load_classifier(nlp)
        elif not keep_untrained:
            nlp.remove_pipe(CLASSIFIER)
    return nlp
