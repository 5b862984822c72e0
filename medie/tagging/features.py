"""Token features for the tagger: the tokens around, their shapes, and what the rules proposed.

Features are short strings over the normalised Doc (Simplified, half-width): the token and its
neighbours up to two away, bigrams and trigrams of them, character shapes, prefixes and suffixes
of Latin words, and, when asked, the rule candidates (``doc.spans["medie_candidates"]``) and the
rule decision (``doc.ents``) covering each token with its BILU position. Numbers are represented
by their shape (``88.2`` → ``0.0``) so that figures generalise.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable, Mapping

from spacy.tokens import Doc, Span

from ..labels import CANDIDATES

PAD = ("<s2>", "<s1>")
END = ("</s1>", "</s2>")


def _char_shape(ch: str) -> str:
    if "\u4e00" <= ch <= "\u9fff":
        return "H"
    if ch.isdigit():
        return "0"
    if ch.isascii() and ch.isalpha():
        return "A" if ch.isupper() else "a"
    return ch


def shape(text: str) -> str:
    """Character classes of a token, runs longer than two shortened (``CD19`` → ``AA00``)."""
    out: list[str] = []
    for ch in text:
        s = _char_shape(ch)
        if len(out) < 2 or not (out[-1] == s and out[-2] == s):
            out.append(s)
    return "".join(out)


def _form(text: str) -> str:
    if text[:1].isdigit() and text.replace(".", "").isdigit():
        return "#" + shape(text)
    return text.lower()


def _positions(doc: Doc, spans: list[Span], prefix: str, out: list[list[str]], kind: bool) -> None:
    for span in spans:
        tails = [""]
        if kind:
            tails.append(":" + ":".join((span.id_ or "").split(":")[:2]))
        label = span.label_
        if len(span) == 1:
            out[span.start].extend(f"{prefix}U-{label}{t}" for t in tails)
            continue
        out[span.start].extend(f"{prefix}B-{label}{t}" for t in tails)
        for i in range(span.start + 1, span.end - 1):
            out[i].extend(f"{prefix}I-{label}{t}" for t in tails)
        out[span.end - 1].extend(f"{prefix}L-{label}{t}" for t in tails)


def char_classes(names: Iterable[tuple[str, str]], min_count: int = 3, share: float = 0.6) -> dict[str, str]:
    """For each character of the lexicon names, the label of the names it mostly belongs to.

    ``names`` are (form, label) pairs; a character seen in at least ``min_count`` names of which at
    least ``share`` have one label gets that label (替 → DRUG, 癌 → DISEASE, 率 → ENDPOINT).
    """
    counts: dict[str, Counter] = defaultdict(Counter)
    for form, label in names:
        for ch in set(form.lower()):
            counts[ch][label] += 1
    out = {}
    for ch, by_label in counts.items():
        label, n = by_label.most_common(1)[0]
        total = sum(by_label.values())
        if total >= min_count and n >= share * total:
            out[ch] = label
    return out


def _classes_of(form: str, classes: Mapping[str, str]) -> str:
    if form[:1] == "#":
        return "#"
    if len(form) == 1:
        return classes.get(form, "-")
    return "L:" + (classes.get(form[-1], "-"))


def doc_features(doc: Doc, candidates: bool = True, entities: bool = True, window: int = 2,
                 classes: Mapping[str, str] | None = None) -> list[list[str]]:
    """One feature list per token of ``doc`` (the first feature of each is the bias ``b``).

    ``window`` 2 uses tokens up to two away; 1 only the neighbours (fewer features to memorise).
    ``classes`` (from :func:`char_classes`) adds the lexicon label each character mostly belongs
    to, alone and in windows, so that a name made of typical drug characters looks like one.
    """
    forms = [_form(t.text) for t in doc]
    shapes = [shape(t.text) for t in doc]
    w = list(PAD) + forms + list(END)
    s = ["<s>", "<s>"] + shapes + ["</s>", "</s>"]
    if classes is not None:
        cls = ["<s>", "<s>"] + [_classes_of(f, classes) for f in forms] + ["</s>", "</s>"]
    feats: list[list[str]] = []
    for i in range(len(forms)):
        k = i + 2
        f = [
            "b", "w=" + w[k], "w-1=" + w[k - 1], "w+1=" + w[k + 1],
            "w-1w=" + w[k - 1] + "|" + w[k], "ww+1=" + w[k] + "|" + w[k + 1],
            "s=" + s[k], "s-1ss+1=" + s[k - 1] + "|" + s[k] + "|" + s[k + 1],
        ]
        if window > 1:
            f += [
                "w-2=" + w[k - 2], "w+2=" + w[k + 2],
                "w-2w-1=" + w[k - 2] + "|" + w[k - 1], "w+1w+2=" + w[k + 1] + "|" + w[k + 2],
                "w-1w+1=" + w[k - 1] + "|" + w[k + 1],
                "w-2..w=" + w[k - 2] + "|" + w[k - 1] + "|" + w[k], "w..w+2=" + w[k] + "|" + w[k + 1] + "|" + w[k + 2],
            ]
        if classes is not None:
            c = cls[k]
            f += ["cc=" + c, "cc-1cc=" + cls[k - 1] + "|" + c, "cccc+1=" + c + "|" + cls[k + 1],
                  "cc-2..cc=" + cls[k - 2] + "|" + cls[k - 1] + "|" + c, "cc..cc+2=" + c + "|" + cls[k + 1] + "|" + cls[k + 2]]
        form = forms[i]
        if len(form) > 1 and form[0] != "#":
            f += ["p3=" + form[:3], "x3=" + form[-3:], "x2=" + form[-2:], f"len={min(len(form), 10)}"]
        feats.append(f)
    if candidates and CANDIDATES in doc.spans:
        _positions(doc, list(doc.spans[CANDIDATES]), "c=", feats, kind=True)
    if entities:
        _positions(doc, list(doc.ents), "e=", feats, kind=False)
    return feats
