"""Tooling for people who extend the rules: ``medie rules check`` and ``medie rules test``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import regex
from spacy.language import Language

from ..mention import doc_text, raw_offsets, raw_text
from .lexicon import lexicon_files, load_lexicons
from .patterns import check_examples, load_context_rules, load_span_patterns

# Shapes of names that a lexicon or pattern may be missing.
LOOKALIKES = {
    "code or symbol": regex.compile(r"(?<![A-Za-z0-9-])[A-Za-z]{1,8}-?\d+[A-Za-z0-9-]*|(?<![A-Za-z0-9-])[A-Z]{2,}[0-9A-Z-]*(?![A-Za-z0-9])"),
    "INN stem": regex.compile(r"(?i)(?<![a-z])[a-z]{3,}(?:mab|tinib|ciclib|parib|cel|leucel|vec|cept)(?![a-z])"),
    "Chinese drug or disease word": regex.compile(
        r"\p{Han}{2,6}?(?:单抗|替尼|仑赛|注射液|胶囊|抑制剂|疫苗|白血病|淋巴瘤|骨髓瘤|肉瘤|癌|综合征)"
    ),
}


@dataclass
class CheckResult:
    lexicon_entries: int
    lexicon_files: int
    patterns: int
    context_rules: int
    failures: list[str]


def check_rules() -> CheckResult:
    """Validate every rule file (raises RuleError on the first broken line) and run all examples."""
    entries = load_lexicons()
    patterns = load_span_patterns()
    rules = load_context_rules()
    return CheckResult(len(entries), len(lexicon_files()), len(patterns), len(rules), check_examples(patterns, rules))


def explain(nlp: Language, text: str) -> tuple[list[tuple[int, int, str, str, str]], list[tuple[str, str, int]]]:
    """Mentions with the rule behind each, and uncovered look-alike strings with their counts."""
    doc = nlp(text)
    raw = raw_text(doc)
    mentions = []
    for ent in doc.ents:
        start, end = raw_offsets(doc, ent.start_char, ent.end_char)
        mentions.append((start, end, ent.label_, raw[start:end], ent.id_ or "model"))
    text = doc_text(doc)
    covered = bytearray(len(text))
    for ent in doc.ents:
        covered[ent.start_char : ent.end_char] = b"\x01" * (ent.end_char - ent.start_char)
    missing: Counter = Counter()
    for kind, pattern in LOOKALIKES.items():
        for m in pattern.finditer(text):
            if not any(covered[m.start() : m.end()]):
                missing[(kind, m.group())] += 1
    return mentions, [(kind, s, n) for (kind, s), n in sorted(missing.items(), key=lambda kv: (-kv[1], kv[0]))]
