"""``medie_patterns``: the regex span patterns of ``rules/patterns/*.jsonl`` as candidates.

Adds spans to ``doc.spans["medie_candidates"]`` (``id_`` = ``pattern:<name>``). The component
keeps a snapshot of the pattern files, so a pipeline saved with ``to_disk`` reloads with the
same patterns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc

from ..mention import doc_text
from ..rulefiles import copy_rule_files, rules_dir
from ..rulefiles.patterns import SpanPattern, load_span_patterns
from .candidates import candidates


@Language.factory("medie_patterns", default_config={})
def make_pattern_matcher(nlp: Language, name: str) -> "PatternMatcher":
    return PatternMatcher(name, rules_dir() / "patterns")


class PatternMatcher:
    """Runs the regex span patterns of ``rules/patterns/`` over the normalised text."""

    def __init__(self, name: str, directory: Path) -> None:
        self.name = name
        self.directory = directory
        self.patterns: list[SpanPattern] = load_span_patterns(directory)

    def __call__(self, doc: Doc) -> Doc:
        group = candidates(doc)
        text = doc_text(doc)
        for pat in self.patterns:
            for start, end in pat.finditer(text):
                span = doc.char_span(start, end, label=pat.label, span_id=f"pattern:{pat.name}")
                if span is not None:
                    group.append(span)
        return doc

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        copy_rule_files(sorted(self.directory.glob("*.jsonl")), path)

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> "PatternMatcher":
        self.directory = Path(path)
        self.patterns = load_span_patterns(self.directory)
        return self

