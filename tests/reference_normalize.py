"""A plain character-by-character normalisation, kept as the reference the fast one must equal."""

from __future__ import annotations

from medie.text.normalize import _INLINE_TAG, _PINYIN_GLOSS, NormalizedText, _fold, _mainland, _wide_source


def reference_normalize(raw: str) -> NormalizedText:
    """The character-by-character normalisation that :func:`normalize` must equal."""
    if not isinstance(raw, str):
        raise TypeError(f"normalize() expects str, got {type(raw).__name__}")
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pending_ws = -1  # raw index of the first character of a pending whitespace run
    prev_wide = True  # the text start behaves like a wide neighbour: leading runs are dropped
    glossed = bytearray(len(raw))
    for m in [*_PINYIN_GLOSS.finditer(raw), *_INLINE_TAG.finditer(raw)]:
        glossed[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    for i, ch in enumerate(raw):
        if glossed[i]:
            continue
        folded = _fold(ch)
        if not folded:
            continue
        if folded.isspace():
            if pending_ws < 0:
                pending_ws = i
            continue
        if pending_ws >= 0:
            if not prev_wide and not _wide_source(ch, folded):
                out.append(" ")
                starts.append(pending_ws)
                ends.append(pending_ws + 1)
            pending_ws = -1
        for c in folded:
            if c.isspace():  # e.g. NFKC of a compatibility character containing a space
                c = " "
            out.append(c)
            starts.append(i)
            ends.append(i + 1)
        prev_wide = _wide_source(ch, folded)
    return NormalizedText(raw, _mainland("".join(out)), tuple(starts), tuple(ends))
