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

from ..labels import CODES_KEY
from ..mention import doc_text
from ..rulefiles.lexicon import LexiconEntry, load_lexicons
from ..text.normalize import normalized_text
from .candidates import Automaton, candidates, cuts_latin_word


def _case_insensitive(form: str) -> bool:
    """Long Latin names with lower-case letters (INNs) match in any case; symbols match exactly."""
    return form.isascii() and len(form) >= 5 and any(c.islower() for c in form)


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
        self.exact, self.folded = Automaton(), Automaton()
        names: dict[str, str] = {}
        for e in self.entries:
            form = normalized_text(e.form)
            if not form:
                continue
            name = names.get(e.path) or names.setdefault(e.path, Path(e.path).name)
            value = (e.label, e.canonical, f"lexicon:{name}:{e.line}", e.codes)
            self.exact.add(form, value)
            if _case_insensitive(form):
                self.folded.add(form.lower(), value)
        self.exact.finish()
        self.folded.finish()

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        lower = text.lower()
        if len(lower) != len(text):
            lower = text
        hits = self.exact.longest(text)
        # a Latin start with no exact hit may match a case-insensitive form (long INNs)
        for start, hit in self.folded.longest(lower).items():
            if start not in hits and text[start] < "\x80":
                hits[start] = hit
        group = candidates(doc)
        for start in sorted(hits):
            length, (label, canonical, rule, codes) = hits[start]
            end = start + length
            if cuts_latin_word(text, start, end):
                continue
            span = doc.char_span(start, end, label=label, kb_id=canonical, span_id=rule)
            if span is not None:
                group.append(span)
                if codes:
                    doc.user_data[(CODES_KEY, start, end)] = list(codes)
        return doc

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        rows = [[e.form, e.label, e.canonical, list(e.sources), e.path, e.line, list(e.codes)] for e in self.entries]
        (path / "entries.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> "LexiconMatcher":
        file = Path(path) / "entries.json"
        if not file.exists():
            raise FileNotFoundError(f"lexicon snapshot missing: {file}")
        rows = json.loads(file.read_text(encoding="utf-8"))
        self.entries = [LexiconEntry(f, lab, can, tuple(src), p, line, tuple(codes[0]) if codes else ())
                        for f, lab, can, src, p, line, *codes in rows]
        self._build()
        return self
