"""Text normalisation with a map back to raw offsets.

Extraction runs on normalised text; every reported span is mapped back so that
``raw[start:end]`` is the mention exactly as written, layout noise included.

What changes:
- compatibility characters are folded with NFKC (full-width ASCII ``ＣＤ１９`` → ``CD19``,
  ``％`` → ``%``, Roman-numeral characters ``Ⅱ`` → ``II``, no-break spaces → spaces);
- Traditional characters become Simplified ones, one character for one (``單抗`` → ``单抗``), from
  OpenCC's ``t2s`` data (``data/t2s.tsv``, built by ``scripts/build_t2s.py``), so that the rules,
  written in Simplified characters, match both scripts and the offset map stays one to one;
- regional medical words become the mainland ones of the same length (``胰臟炎`` → ``胰腺炎``,
  ``酪胺酸`` → ``酪氨酸``; ``data/regional.tsv``), after that folding;
- zero-width characters and the byte-order mark are dropped, and so are pinyin glosses that
  machine conversion put after Chinese characters (``發(fā)作`` → ``发作``) and the inline HTML
  tags that text copied from web pages keeps (``维生素B<sub>6</sub>`` → ``维生素B6``): they are
  layout noise inside a word;
- a whitespace run (spaces, tabs, line breaks, ``\\r\\n``) is dropped when a wide (CJK)
  character stands on either side of it — PDF extraction puts such runs between Chinese
  characters and inside words — and is otherwise collapsed to one space; runs at the start
  and end of the text are dropped.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import regex

_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# a bracketed pinyin syllable with a tone mark right after a Han character: 發(fā), 發（ｆā） in full-width forms
_PINYIN_GLOSS = regex.compile(rf"(?<=\p{{Han}})[(（](?=[a-zａ-ｚü{_TONED}]{{1,6}}[)）])[a-zａ-ｚü]*[{_TONED}][a-zａ-ｚü]*[)）]")
# an inline formatting tag of HTML (not a line or block break, which separates words)
_INLINE_TAG = regex.compile(r"(?i)</?(?:sub|sup|i|b|u|em|strong|span|font|small|big)(?:\s[^<>\n]{0,80})?/?>")
_WIDE_PUNCT = frozenset("“”‘’…—·")


T2S_FILE = resources.files(__package__) / "data" / "t2s.tsv"
REGIONAL_FILE = resources.files(__package__) / "data" / "regional.tsv"


def _read_t2s() -> dict[int, str]:
    """The Traditional → Simplified table: ``traditional<TAB>simplified`` lines, one character each."""
    table: dict[int, str] = {}
    text = T2S_FILE.read_text(encoding="utf-8")
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        trad, _, simp = line.partition("\t")
        if len(trad) != 1 or len(simp) != 1:
            raise ValueError(f"medie/text/data/t2s.tsv:{lineno}: expected one character, a tab and one character")
        table[ord(trad)] = simp
    return table


T2S = _read_t2s()


def _read_regional() -> dict[str, str]:
    """Regional word → mainland word (``data/regional.tsv``), both Simplified and of the same length."""
    table: dict[str, str] = {}
    for lineno, line in enumerate(REGIONAL_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        regional, mainland = (line.split("\t") + [""])[:2]
        if len(regional) < 2 or len(regional) != len(mainland):
            raise ValueError(f"medie/text/data/regional.tsv:{lineno}: expected two words of the same length "
                             "(at least two characters) separated by a tab")
        table[regional] = mainland
    return table


REGIONAL = _read_regional()
_REGIONAL_WORD = regex.compile("|".join(map(regex.escape, sorted(REGIONAL, key=len, reverse=True))))
_REGIONAL_FIRST = frozenset(w[0] for w in REGIONAL)


def _mainland(text: str) -> str:
    """``text`` with its regional words replaced by the mainland words (same length: offsets unchanged)."""
    if _REGIONAL_FIRST.isdisjoint(text) or not any(word in text for word in REGIONAL):
        return text
    return _REGIONAL_WORD.sub(lambda m: REGIONAL[m.group()], text)


@lru_cache(maxsize=65536)
def _fold(ch: str) -> str:
    """NFKC form of one character in Simplified script ('' for zero-width characters)."""
    if ch in _ZERO_WIDTH:
        return ""
    if ch < "\x80":
        return ch
    return unicodedata.normalize("NFKC", ch).translate(T2S)


@lru_cache(maxsize=65536)
def is_wide(ch: str) -> bool:
    """True for CJK characters and punctuation, next to which whitespace is layout noise."""
    return unicodedata.east_asian_width(ch) in ("W", "F") or ch in _WIDE_PUNCT


def _wide_source(ch: str, folded: str) -> bool:
    """A raw character counts as wide unless it folds to ASCII (``ＣＤ１９`` counts as Latin)."""
    return is_wide(ch) and not folded.isascii()


@dataclass(frozen=True)
class NormalizedText:
    """Normalised text with, for each of its characters, the raw span it came from."""

    raw: str
    text: str
    src_start: tuple[int, ...]
    src_end: tuple[int, ...]

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Map a span ``[start, end)`` of the normalised text to raw offsets."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"span [{start}, {end}) outside normalised text of length {len(self.text)}")
        return self.src_start[start], self.src_end[end - 1]

    def to_norm(self, start: int, end: int) -> tuple[int, int] | None:
        """Map a raw span to the normalised span of the characters kept inside it (None if none)."""
        return raw_to_norm(self.src_start, self.src_end, start, end)


def raw_to_norm(src_start: Sequence[int], src_end: Sequence[int], start: int, end: int) -> tuple[int, int] | None:
    """The normalised span covering the kept characters of raw ``[start, end)``, or None."""
    lo = bisect_left(src_start, start)
    hi = bisect_right(src_end, end)
    return (lo, hi) if lo < hi else None


# per character: what normalisation does with it (cached for every character seen)
_DROP, _SPACE, _ONE, _MULTI = range(4)
_KIND: dict[str, int] = {}
_ONES: set[str] = set()  # the characters seen so far that are of kind _ONE
_TRANSLATE: dict[int, str] = {}
_CHANGED: set[str] = set()  # the characters of _TRANSLATE


def _translated(raw: str, chars: set[str]) -> str:
    """``raw`` with its one-for-one characters folded (``chars`` = ``set(raw)``, all already kinded)."""
    return raw if _CHANGED.isdisjoint(chars) else raw.translate(_TRANSLATE)


def _kind(ch: str) -> int:
    kind = _KIND.get(ch)
    if kind is None:
        folded = _fold(ch)
        if not folded:
            kind = _DROP
        elif folded.isspace():
            kind = _SPACE
        elif len(folded) == 1:
            kind = _ONE
            _ONES.add(ch)
            if folded != ch:
                _TRANSLATE[ord(ch)] = folded
                _CHANGED.add(ch)
        else:
            kind = _MULTI
        _KIND[ch] = kind
    return kind


def folded(raw: str) -> str:
    """``raw`` with every character that normalises to exactly one character replaced by it: the same
    length, so offsets stay raw offsets (for cue searches over a whole text; ``單組`` → ``单组``)."""
    chars = set(raw)
    for ch in chars.difference(_KIND):
        _kind(ch)
    return _mainland(_translated(raw, chars))


def normalized_text(raw: str) -> str:
    """``normalize(raw).text`` without building the offset map (for short strings such as lexicon forms)."""
    chars = set(raw)
    for ch in chars.difference(_KIND):
        _kind(ch)
    if _ONES.issuperset(chars) and not _noise(raw, chars):
        return _mainland(_translated(raw, chars))
    return normalize(raw).text


def _noise(raw: str, chars: set[str]) -> list[tuple[int, int]]:
    """The stretches of ``raw`` that normalisation drops whole: pinyin glosses and inline HTML tags."""
    found = [m.span() for m in _PINYIN_GLOSS.finditer(raw)] if not chars.isdisjoint("(（") else []
    if "<" in chars:
        found += [m.span() for m in _INLINE_TAG.finditer(raw)]
        found.sort()
    return found


@lru_cache(maxsize=1024)
def _any_of(chars: str) -> regex.Pattern:
    """A regex for one character of ``chars`` (the special characters of a text: mostly whitespace)."""
    return regex.compile("[" + regex.escape(chars, special_only=False) + "]")


def normalize(raw: str) -> NormalizedText:
    """Normalise ``raw`` and keep the offset map (see module docstring).

    Runs of ordinary characters (one character in, one out) are translated in bulk; only whitespace,
    dropped characters, characters that fold to several, pinyin glosses and tags are handled one by one.
    """
    if not isinstance(raw, str):
        raise TypeError(f"normalize() expects str, got {type(raw).__name__}")
    chars = set(raw)
    for ch in chars.difference(_KIND):
        _kind(ch)
    special = chars.difference(_ONES)
    noise = _noise(raw, chars)
    if not special and not noise:
        n = len(raw)
        return NormalizedText(raw, _mainland(_translated(raw, chars)), tuple(range(n)), tuple(range(1, n + 1)))
    mapped = _translated(raw, chars)  # one for one, so mapped[a:b] is the folded raw[a:b]
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pending_ws = -1  # raw index of the first character of a pending whitespace run
    prev_wide = True  # the text start behaves like a wide neighbour: leading runs are dropped

    def emit_run(a: int, b: int) -> None:
        """Ordinary characters raw[a:b] (b > a)."""
        nonlocal pending_ws, prev_wide
        if pending_ws >= 0:
            first = raw[a]
            if not prev_wide and not _wide_source(first, _fold(first)):
                out.append(" ")
                starts.append(pending_ws)
                ends.append(pending_ws + 1)
            pending_ws = -1
        out.append(mapped[a:b])
        starts.extend(range(a, b))
        ends.extend(range(a + 1, b + 1))
        last = raw[b - 1]
        prev_wide = _wide_source(last, _fold(last))

    events: list[tuple[int, int]] = list(noise)
    if special:
        events += [(m.start(), m.end()) for m in _any_of("".join(sorted(special))).finditer(raw)]
        events.sort()
    pos = 0
    for a, b in events:
        if a < pos:  # a special character inside a gloss
            continue
        if a > pos:
            emit_run(pos, a)
        pos = b
        if b - a > 1 or _kind(raw[a]) == _DROP:  # a gloss or a tag, or a zero-width character
            continue
        ch = raw[a]
        if _kind(ch) == _SPACE:
            if pending_ws < 0:
                pending_ws = a
            continue
        folded = _fold(ch)  # a character that folds to several
        if pending_ws >= 0:
            if not prev_wide and not _wide_source(ch, folded):
                out.append(" ")
                starts.append(pending_ws)
                ends.append(pending_ws + 1)
            pending_ws = -1
        for c in folded:
            out.append(" " if c.isspace() else c)  # e.g. NFKC of a compatibility character containing a space
            starts.append(a)
            ends.append(a + 1)
        prev_wide = _wide_source(ch, folded)
    if pos < len(raw):
        emit_run(pos, len(raw))
    return NormalizedText(raw, _mainland("".join(out)), tuple(starts), tuple(ends))
