"""``medie_lexicon``: finds the surface forms of the rule lexicons (``rules/lexicon/*.tsv``).

Adds spans to ``doc.spans["medie_candidates"]`` (``kb_id_`` = canonical name, ``id_`` = the
lexicon file and line). Overlaps are allowed here; the resolver decides. The component keeps a
snapshot of the entries it was built from, so a pipeline saved with ``to_disk`` reloads with
the same lexicon.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc

from ..mention import doc_text
from ..rulefiles.lexicon import LexiconEntry, load_lexicons
from ..text.normalize import normalize
from .candidates import candidates, cuts_latin_word


def _case_insensitive(form: str) -> bool:
    """Long Latin names with lower-case letters (INNs) match in any case; symbols match exactly."""
    return form.isascii() and len(form) >= 5 and any(c.islower() for c in form)


class _FormIndex:
    """Surface forms with, per first two characters, their lengths longest first (for longest match)."""

    def __init__(self) -> None:
        self.forms: dict[str, tuple[str, str, str]] = {}
        self.lengths: dict[str, list[int]] = {}

    def add(self, form: str, value: tuple[str, str, str]) -> None:
        if form in self.forms:
            return
        self.forms[form] = value
        lengths = self.lengths.setdefault(form[:2], [])
        if len(form) not in lengths:
            lengths.append(len(form))
            lengths.sort(reverse=True)


@Language.factory("medie_lexicon", default_config={"exclude_sources": []})
def make_lexicon_matcher(nlp: Language, name: str, exclude_sources: list[str]) -> "LexiconMatcher":
    return LexiconMatcher(name, load_lexicons(exclude_sources=exclude_sources))


class LexiconMatcher:
    """Finds lexicon forms in the normalised text (Latin forms only at word boundaries)."""

    def __init__(self, name: str, entries: Iterable[LexiconEntry]) -> None:
        self.name = name
        self.entries = list(entries)
        self._build()

    def _build(self) -> None:
        self.exact, self.folded = _FormIndex(), _FormIndex()
        for e in self.entries:
            form = normalize(e.form).text
            if not form:
                continue
            value = (e.label, e.canonical, f"lexicon:{Path(e.path).name}:{e.line}")
            self.exact.add(form, value)
            if _case_insensitive(form):
                self.folded.add(form.lower(), value)

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        lower = text.lower()
        if len(lower) != len(text):
            lower = text
        group = candidates(doc)
        exact_forms, exact_lengths = self.exact.forms, self.exact.lengths
        folded_forms, folded_lengths = self.folded.forms, self.folded.lengths
        for i, ch in enumerate(text):
            hit = None
            for length in exact_lengths.get(text[i : i + 2], ()):
                value = exact_forms.get(text[i : i + length])
                if value is not None:
                    hit = length, value
                    break
            if hit is None and ch < "\x80":
                for length in folded_lengths.get(lower[i : i + 2], ()):
                    value = folded_forms.get(lower[i : i + length])
                    if value is not None:
                        hit = length, value
                        break
            if hit is None:
                continue
            length, (label, canonical, rule) = hit
            end = i + length
            if cuts_latin_word(text, i, end):
                continue
            span = doc.char_span(i, end, label=label, kb_id=canonical, span_id=rule)
            if span is not None:
                group.append(span)
        return doc

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        rows = [[e.form, e.label, e.canonical, list(e.sources), e.path, e.line] for e in self.entries]
        (path / "entries.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> "LexiconMatcher":
        file = Path(path) / "entries.json"
        if not file.exists():
            raise FileNotFoundError(f"lexicon snapshot missing: {file}")
        rows = json.loads(file.read_text(encoding="utf-8"))
        self.entries = [LexiconEntry(f, lab, can, tuple(src), p, line) for f, lab, can, src, p, line in rows]
        self._build()
        return self
