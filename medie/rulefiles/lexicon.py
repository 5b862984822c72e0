"""Lexicons: TSV files in ``rules/lexicon/`` mapping surface forms to labels and canonical names.

Format (one concept a line, ``#`` starts a comment, the first other line is the header)::

    term<TAB>label<TAB>canonical<TAB>aliases<TAB>source[<TAB>codes]

``aliases`` is ``|``-separated; ``source`` says where the entry came from (``general`` for
domain knowledge, ``corpus:<doc>`` for a name first seen in a corpus document, ``cmekg:<subject>``
for an entry built from PyCMeKG; several sources are ``|``-separated). The optional ``codes``
column holds ``|``-separated codes of the concept (``ICD10:C50.9``); a file either has it in its
header or not. ``label`` is DRUG, TARGET, DISEASE or ENDPOINT, or ``WORD`` for an ordinary word that
is no mention and keeps shorter names from being cut out of it (``rules/lexicon/words.tsv``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..labels import LABELS, WORD
from . import RuleError, rules_dir

HEADER = ("term", "label", "canonical", "aliases", "source")
CODES = "codes"
LEXICON_LABELS = ("DRUG", "TARGET", "DISEASE", "ENDPOINT", WORD)


@dataclass(frozen=True)
class LexiconEntry:
    """One surface form of a lexicon concept."""

    form: str
    label: str
    canonical: str
    sources: tuple[str, ...]
    path: str
    line: int
    codes: tuple[str, ...] = ()


def lexicon_files(directory: Path | None = None) -> list[Path]:
    directory = directory or rules_dir() / "lexicon"
    return sorted(directory.glob("*.tsv"))


def read_lexicon(path: Path) -> list[LexiconEntry]:
    """Read and validate one lexicon file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as err:
        raise RuleError(path, None, f"not valid UTF-8 at byte {err.start}") from err
    entries: list[LexiconEntry] = []
    header: tuple[str, ...] = ()
    for lineno, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if not header:
            header = tuple(f.strip() for f in fields)
            if header not in (HEADER, HEADER + (CODES,)):
                raise RuleError(path, lineno, f"header must be {' / '.join(HEADER)} [/ {CODES}] (tab-separated)")
            continue
        if len(fields) != len(header):
            raise RuleError(path, lineno, f"expected {len(header)} tab-separated fields, found {len(fields)}")
        term, label, canonical, aliases, source = (f.strip() for f in fields[:5])
        codes = tuple(c.strip() for c in fields[5].split("|") if c.strip()) if len(fields) > 5 else ()
        if label not in LEXICON_LABELS:
            raise RuleError(path, lineno, f"label {label} is found by patterns, not lexicons" if label in LABELS
                            else f"unknown label {label!r}")
        if not term:
            raise RuleError(path, lineno, "empty term")
        if not source:
            raise RuleError(path, lineno, "empty source (use 'general' or 'corpus:<doc>')")
        forms = [term] + [a.strip() for a in aliases.split("|") if a.strip()]
        sources = tuple(s.strip() for s in source.split("|") if s.strip())
        for form in dict.fromkeys(forms):
            if len(form) < 2:
                raise RuleError(path, lineno, f"surface form {form!r} is shorter than 2 characters")
            entries.append(LexiconEntry(form, label, canonical or term, sources, str(path), lineno, codes))
    if not header:
        raise RuleError(path, None, "no header line")
    return entries


def load_lexicons(
    paths: Iterable[Path] | None = None, exclude_sources: Iterable[str] = ()
) -> list[LexiconEntry]:
    """Load lexicon files, check that no form has two labels, and drop excluded sources.

    An entry is dropped when all of its sources are in ``exclude_sources`` (used by the
    leave-one-document-out evaluation).
    """
    excluded = set(exclude_sources)
    seen: dict[str, LexiconEntry] = {}
    out: list[LexiconEntry] = []
    for path in paths if paths is not None else lexicon_files():
        for entry in read_lexicon(Path(path)):
            key = entry.form
            first = seen.get(key)
            if first is not None:
                if first.label != entry.label:
                    raise RuleError(
                        entry.path, entry.line,
                        f"{entry.form!r} is {entry.label} here but {first.label} at {first.path}:{first.line}",
                    )
                continue
            seen[key] = entry
            if excluded and set(entry.sources) <= excluded:
                continue
            out.append(entry)
    return out
