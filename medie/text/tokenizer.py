"""The medie tokenizer: normalisation, script-boundary splitting and Chinese segmentation.

The tokenizer receives raw text, normalises it (:mod:`medie.text.normalize`) and builds the Doc
over the normalised text; the offset map travels in ``doc.user_data`` so that every span can
be mapped back to raw offsets (:func:`medie.mention.raw_offsets`).

Text is first cut at every script boundary: a run of Han characters, a run of Latin letters
and digits (``CD19``, ``88.2``, ``B38M`` stay whole; a number is cut from the letters that
follow it, ``10mg`` → ``10`` ``mg``, and a dose from the name it is glued to, ``DDP50mg`` → ``DDP``
``50`` ``mg``), or one punctuation character. Han runs
are then segmented by the configured ``segmenter``:

- ``char``: one token per Han character (fast; every span boundary aligns);
- ``pkuseg``: pkuseg word segmentation with a user dictionary of the rule lexicons.
"""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path
from typing import Iterable

import regex
import srsly
from spacy.tokens import Doc
from spacy.vocab import Vocab

from ..cache import cache_dir
from ..labels import MAP_KEY, RAW_KEY, TEXT_KEY
from .normalize import NormalizedText, normalize
from .textio import check_encodable

SEGMENTERS = ("char", "pkuseg")
PKUSEG_FILES = ("features.msgpack", "weights.npz")

_PIECES = regex.compile(
    r"(?P<han>\p{Han}+)"
    r"|(?P<num>[0-9]+(?:\.[0-9]+)?)"
    r"|(?P<word>[\p{Latin}\p{Greek}0-9]+)"
    r"|(?P<space> )"
    r"|(?P<other>.)",
    flags=regex.DOTALL,
)
# a dose glued to the name before it (DDP50mg, 5-FU7500MG): a number and a unit of mass or volume, maybe
# followed by a day of the schedule (DDP50MGD1)
GLUED_DOSE = regex.compile(r"[0-9]+(?:\.[0-9]+)?(?i:mg|g|ml|μg|ug|iu)(?![\p{Latin}\p{Greek}](?![0-9]))")
# inside a Latin word, a digit followed by two letters starts a new token (CD19CAR -> CD19 CAR), and so
# does a glued dose after two letters (DDP50mg -> DDP 50 mg)
_WORD_SPLIT = regex.compile(rf"(?<=[0-9])(?=[\p{{Latin}}\p{{Greek}}]{{2}})|(?<=[\p{{Latin}}]{{2}})(?={GLUED_DOSE.pattern})")


_ROMAN = regex.compile("[\u2160-\u217f]")
# the pieces of _PIECES with each Han character on its own: the char segmenter's tokens in one findall
_CHAR_TOKENS = regex.compile(r"\p{Han}|[0-9]+(?:\.[0-9]+)?|[\p{Latin}\p{Greek}0-9]+| |.", flags=regex.DOTALL)


def _char_tokens(text: str) -> tuple[list[str], list[bool]]:
    """What :meth:`MedieTokenizer._tokens` gives with the char segmenter for a text without Roman
    numerals, without a Python step per Han character."""
    pieces = _CHAR_TOKENS.findall(text)
    if _WORD_SPLIT.search(text) is not None:
        pieces = [part for piece in pieces for part in (_WORD_SPLIT.split(piece) if len(piece) > 2 else (piece,))]
    if " " not in text:
        return pieces, [False] * len(pieces)
    words: list[str] = []
    spaces: list[bool] = []
    for piece in pieces:
        if piece == " ":
            if words:
                spaces[-1] = True
        else:
            words.append(piece)
            spaces.append(False)
    return words, spaces


def _is_roman(ch: str) -> bool:
    return "\u2160" <= ch <= "\u217f"


def _roman_chunks(raw: str, src: tuple[int, ...], start: int, end: int, text: str) -> list[str]:
    """Split a Latin run where a Roman-numeral character of the raw text begins or ends (ThrapPⅢ → ThrapP, III)."""
    cuts = [start]
    for i in range(start + 1, end):
        a, b = raw[src[i - 1]], raw[src[i]]
        if (_is_roman(a) or _is_roman(b)) and src[i - 1] != src[i]:
            cuts.append(i)
    cuts.append(end)
    return [text[x:y] for x, y in zip(cuts, cuts[1:])]


def pkuseg_model_dir() -> Path:
    """Return a directory holding the pkuseg ``ctb8`` model, building it offline if needed.

    The model comes from the ``pkuseg==0.0.12`` wheel (``pip install 'medie[pkuseg]'``);
    spacy-pkuseg converts it once into the cache directory.
    """
    target = cache_dir() / "pkuseg-ctb8"
    if all((target / name).exists() for name in PKUSEG_FILES):
        return target
    try:
        import pkuseg  # type: ignore[import-not-found]
    except ImportError as err:
        raise RuntimeError(
            "segmenter 'pkuseg' needs the ctb8 model carried by the pkuseg 0.0.12 wheel; "
            "install it with: pip install 'medie[pkuseg]' (or use segmenter='char')"
        ) from err
    source = Path(pkuseg.__file__).parent / "models" / "ctb8"
    if not (source / "model.txt").exists():
        raise RuntimeError(f"pkuseg is installed but carries no ctb8 model at {source}")
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(source, tmp, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    import spacy_pkuseg

    with contextlib.redirect_stdout(io.StringIO()):  # spacy-pkuseg prints progress while converting
        spacy_pkuseg.pkuseg(model_name=str(tmp))  # writes features.msgpack + weights.npz
    for name in list(tmp.iterdir()):
        if name.name not in PKUSEG_FILES:
            name.unlink()
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    return target


class MedieTokenizer:
    """Normalising, script-aware tokenizer (see module docstring)."""

    def __init__(self, vocab: Vocab, segmenter: str = "char", user_words: Iterable[str] = ()) -> None:
        if segmenter not in SEGMENTERS:
            raise ValueError(f"unknown segmenter {segmenter!r}; choose one of {', '.join(SEGMENTERS)}")
        self.vocab = vocab
        self.segmenter = segmenter
        self.user_words = sorted({w for w in user_words if regex.fullmatch(r"\p{Han}{2,}", w)})
        self._model_dir: Path | None = None
        self._seg = None

    def _pkuseg(self):
        if self._seg is None:
            import spacy_pkuseg

            if self._model_dir is None:
                self._model_dir = pkuseg_model_dir()
            self._seg = spacy_pkuseg.pkuseg(model_name=str(self._model_dir), user_dict=self.user_words)
        return self._seg

    def _split_han(self, run: str) -> list[str]:
        if self.segmenter == "char" or len(run) == 1:
            return list(run)
        return self._pkuseg().cut(run)

    def __call__(self, raw: str) -> Doc:
        if not isinstance(raw, str):
            raise TypeError(f"medie tokenizer expects str, got {type(raw).__name__}")
        check_encodable(raw)
        norm = normalize(raw)
        roman = _ROMAN.search(raw) is not None
        if self.segmenter == "char" and not roman:
            words, spaces = _char_tokens(norm.text)
        else:
            words, spaces = self._tokens(raw, norm, roman)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc.user_data[RAW_KEY] = raw
        doc.user_data[TEXT_KEY] = norm.text
        doc.user_data[MAP_KEY] = (norm.src_start, norm.src_end)
        return doc

    def _tokens(self, raw: str, norm: NormalizedText, roman: bool) -> tuple[list[str], list[bool]]:
        """Words and trailing-space flags, piece by piece (any segmenter; ``roman``: the raw text has
        Roman-numeral characters, which cut Latin runs)."""
        words: list[str] = []
        spaces: list[bool] = []
        for m in _PIECES.finditer(norm.text):
            kind = m.lastgroup
            if kind == "space":
                if words:
                    spaces[-1] = True
                continue
            if kind == "han":
                pieces = self._split_han(m.group())
            elif kind == "word":
                chunks = _roman_chunks(raw, norm.src_start, m.start(), m.end(), norm.text) if roman else [m.group()]
                pieces = [part for chunk in chunks for part in _WORD_SPLIT.split(chunk)]
            else:
                pieces = [m.group()]
            words.extend(pieces)
            spaces.extend([False] * len(pieces))
        return words, spaces

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        for text in texts:
            yield self(text)

    # serialisation -------------------------------------------------------------------
    def _cfg(self) -> dict:
        return {"segmenter": self.segmenter, "user_words": self.user_words}

    def to_bytes(self, **kwargs) -> bytes:
        return srsly.msgpack_dumps(self._cfg())

    def from_bytes(self, data: bytes, **kwargs) -> "MedieTokenizer":
        cfg = srsly.msgpack_loads(data)
        self.segmenter, self.user_words = cfg["segmenter"], list(cfg["user_words"])
        self._seg = None
        return self

    def to_disk(self, path: str | Path, **kwargs) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "cfg", self._cfg())
        if self.segmenter == "pkuseg":
            model = self._model_dir or pkuseg_model_dir()
            for name in PKUSEG_FILES:
                shutil.copyfile(model / name, path / name)

    def from_disk(self, path: str | Path, **kwargs) -> "MedieTokenizer":
        path = Path(path)
        cfg_file = path / "cfg"
        if not cfg_file.exists():
            raise FileNotFoundError(f"tokenizer settings missing: {cfg_file}")
        cfg = srsly.read_json(cfg_file)
        self.segmenter, self.user_words = cfg["segmenter"], list(cfg["user_words"])
        self._seg = None
        if self.segmenter == "pkuseg":
            if not all((path / name).exists() for name in PKUSEG_FILES):
                raise FileNotFoundError(f"pkuseg model missing in {path}")
            self._model_dir = path
        return self
