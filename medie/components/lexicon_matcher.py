"""``medie_lexicon``: finds the surface forms of the rule lexicons (``rules/lexicon/*.tsv``).

Adds spans to ``doc.spans["medie_candidates"]`` (``kb_id_`` = canonical name, ``id_`` = the
lexicon file and line). Overlaps are allowed here; the resolver decides. The component keeps a
snapshot of the entries it was built from, so a pipeline saved with ``to_disk`` reloads with
the same lexicon.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path
from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc

from ..cache import cache_enabled, read_entry, write_entry
from ..labels import CODES_KEY
from ..mention import doc_text
from ..rulefiles.lexicon import LexiconEntry, lexicon_files, load_lexicons
from ..text.normalize import REGIONAL_FILE, T2S_FILE, normalized_text
from ..rulefiles import lexicon as lexicon_module
from ..text import normalize as normalize_module
from . import candidates as candidates_module
from .candidates import Automaton, ahocorasick_version, candidates, cuts_latin_word

CACHE_FORMAT = 2  # raise when what the cache holds changes


def _case_insensitive(form: str) -> bool:
    """Long Latin names with lower-case letters (INNs) match in any case; symbols match exactly."""
    return form.isascii() and len(form) >= 5 and any(c.islower() for c in form)


@Language.factory("medie_lexicon", default_config={"exclude_sources": []})
def make_lexicon_matcher(nlp: Language, name: str, exclude_sources: list[str]) -> "LexiconMatcher":
    return LexiconMatcher.from_rules(name, exclude_sources)


def _cache_key(paths: list[Path], exclude_sources: Iterable[str]) -> str:
    """A name for the built matcher: a hash of every lexicon file (path and bytes), the exclusions,
    the normalisation tables and the code that reads, normalises and indexes the forms."""
    digest = hashlib.sha256(f"{CACHE_FORMAT}\0{ahocorasick_version()}".encode())
    digest.update(T2S_FILE.read_bytes())
    digest.update(REGIONAL_FILE.read_bytes())
    for module in (__file__, normalize_module.__file__, lexicon_module.__file__, candidates_module.__file__):
        digest.update(Path(module).read_bytes())
    for path in paths:
        digest.update(f"\0{path}\0".encode())
        digest.update(path.read_bytes())
    digest.update(json.dumps(sorted(set(exclude_sources)), ensure_ascii=False).encode())
    return digest.hexdigest()[:32] + ".pickle"


class LexiconMatcher:
    """Finds lexicon forms in the normalised text (Latin forms only at word boundaries)."""

    def __init__(self, name: str, entries: Iterable[LexiconEntry]) -> None:
        self.name = name
        self._entries: list[LexiconEntry] | None = list(entries)
        self._entry_bytes = b""
        self._build()

    @classmethod
    def from_rules(cls, name: str, exclude_sources: Iterable[str] = ()) -> "LexiconMatcher":
        """The matcher of the rule lexicons, from the cache when it was built from these same files."""
        exclude_sources = list(exclude_sources)
        if not cache_enabled():
            return cls(name, load_lexicons(exclude_sources=exclude_sources))
        paths = lexicon_files()
        key = _cache_key(paths, exclude_sources)
        cached = read_entry("lexicon", key)
        if cached is not None:
            try:
                exact, folded, entry_bytes = pickle.loads(cached)
            except Exception:  # a damaged entry is rebuilt and replaced below
                pass
            else:
                self = cls.__new__(cls)
                self.name, self.exact, self.folded = name, exact, folded
                self._entries, self._entry_bytes = None, entry_bytes
                return self
        self = cls(name, load_lexicons(paths, exclude_sources=exclude_sources))
        write_entry("lexicon", key, pickle.dumps((self.exact, self.folded, self._rows_bytes()), protocol=5))
        return self

    @property
    def entries(self) -> list[LexiconEntry]:
        """The entries the matcher was built from (read from the cache entry when first asked for)."""
        if self._entries is None:
            self._entries = [LexiconEntry(*row) for row in pickle.loads(self._entry_bytes)]
        return self._entries

    def _rows_bytes(self) -> bytes:
        return pickle.dumps([(e.form, e.label, e.canonical, e.sources, e.path, e.line, e.codes) for e in self.entries],
                            protocol=5)

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
        self._entries = [LexiconEntry(f, lab, can, tuple(src), p, line, tuple(codes[0]) if codes else ())
                         for f, lab, can, src, p, line, *codes in rows]
        self._build()
        return self
