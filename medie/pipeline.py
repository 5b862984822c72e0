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
from .manifest import WeightsError
from .text.tokenizer import MedieTokenizer

SHORTCUTS = {"segmenter": "nlp.tokenizer.segmenter"}
CLASSIFIER = "medie_classifier"
TAGGER = "medie_tagger"
MODEL_ROOT = Path(__file__).resolve().parent / "model"
MODEL_DIR = MODEL_ROOT / CLASSIFIER
# the shipped pipelines: name -> the config laid over medie/default.cfg (None: the default itself)
PIPELINES = {"fast": None, "accurate": "accurate.cfg"}
REBUILD = {"fast": "medie train --pipeline fast", "accurate": "medie train --pipeline accurate"}


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


def configs_dir() -> Path:
    """``configs/``: inside the installed package (``medie/configs``), else at the top of the checkout."""
    here = Path(__file__).resolve().parent
    return here / "configs" if (here / "configs").is_dir() else here.parent / "configs"


def default_config(pipeline: str = "fast") -> Config:
    """The config of a shipped pipeline: ``medie/default.cfg``, with ``configs/<pipeline>.cfg`` laid over it."""
    if pipeline not in PIPELINES:
        raise ValueError(f"unknown medie pipeline {pipeline!r}; known: {', '.join(PIPELINES)} (or pass path=DIR)")
    text = (resources.files("medie") / "default.cfg").read_text(encoding="utf-8")
    cfg = Config().from_str(text)
    extra = PIPELINES[pipeline]
    if extra:
        file = configs_dir() / extra
        if not file.is_file():
            raise FileNotFoundError(f"pipeline config {file} not found")
        layer = Config().from_disk(file)
        cfg["nlp"]["pipeline"] = layer["nlp"]["pipeline"]
        cfg = cfg.merge(Config({"components": layer["components"]}))
    return cfg


def load_classifier(nlp: Language, model_dir: Path = MODEL_DIR, rebuild: str = REBUILD["fast"]) -> None:
    """Load the shipped classifier weights into ``nlp``; a clear error if they are missing or corrupt."""
    if not (model_dir / "model").is_file() or not (model_dir / "cfg").is_file():
        raise FileNotFoundError(
            f"medie's trained classifier is missing at {model_dir}; rebuild it with `{rebuild}` "
            "(or use medie.load(trained=False) for rules only)"
        )
    try:
        nlp.get_pipe(CLASSIFIER).from_disk(model_dir)  # checks the manifest first
    except WeightsError:
        raise
    except Exception as err:  # a truncated or foreign file surfaces as many different errors
        raise ValueError(f"medie's trained classifier at {model_dir} is corrupt ({err}); rebuild it with `{rebuild}`") from err


def load_tagger(nlp: Language, model_dir: Path = MODEL_ROOT / TAGGER, rebuild: str = REBUILD["accurate"]) -> None:
    """Load the shipped tagger weights (the tagger checks their manifest)."""
    if not model_dir.is_dir():
        raise FileNotFoundError(f"medie's trained tagger is missing at {model_dir}; rebuild it with `{rebuild}` "
                                "(or use medie.load(trained=False) for rules only)")
    nlp.get_pipe(TAGGER).from_disk(model_dir)


def load(name: str | Path = "fast", *, path: str | Path | None = None, config: dict[str, Any] | None = None,
         trained: bool = True, keep_untrained: bool = False, **overrides: Any) -> Language:
    """Load a medie pipeline.

    ``name`` is a shipped pipeline: ``"fast"`` (the default: rules and the candidate classifier)
    or ``"accurate"`` (the same with the trained tagger, ``configs/accurate.cfg``); they are built
    from ``medie/default.cfg`` with the rules read from ``rules/`` and the weights from
    ``medie/model/`` (checked against their sha256 manifest). ``path=DIR`` (or a ``Path`` as
    ``name``) loads a pipeline saved with ``nlp.to_disk`` or written by ``medie train --output``.
    ``trained=False`` gives the rules-only pipeline.
    ``config`` takes spaCy dotted-key overrides (``{"nlp.tokenizer.segmenter": "pkuseg"}``);
    keyword shortcuts: ``segmenter="char"|"pkuseg"``.
    """
    settings = dict(config or {})
    for key, value in overrides.items():
        if key not in SHORTCUTS:
            raise TypeError(f"unknown override {key!r}; known: {', '.join(SHORTCUTS)} (or pass config={{...}})")
        settings[SHORTCUTS[key]] = value
    if path is None and (isinstance(name, Path) or name not in PIPELINES):
        path = name
    if path is not None:
        path = Path(path)
        if not (path / "config.cfg").exists():
            raise FileNotFoundError(f"no medie pipeline at {path} (config.cfg missing; shipped pipelines: "
                                    f"{', '.join(PIPELINES)})")
        return spacy.load(path, config=settings)
    base = default_config(str(name))
    cfg = base.merge(Config(spacy.util.dot_to_dict(settings))) if settings else base
    nlp = spacy.util.load_model_from_config(cfg, auto_fill=True, validate=True)
    for pipe, loader in ((CLASSIFIER, load_classifier), (TAGGER, load_tagger)):
        if pipe in nlp.pipe_names:
            if trained:
                loader(nlp)
            elif not keep_untrained:
                nlp.remove_pipe(pipe)
    return nlp
