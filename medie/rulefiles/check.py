"""Tooling for people who extend the rules: ``medie rules check`` and ``medie rules test``."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

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


# a group whose body ends in an unbounded repeat and that is repeated itself: (a+)+, (\w*)*
NESTED_QUANTIFIER = regex.compile(r"\((?:\?:)?[^()]*(?<!\\)[+*]\)(?:[+*]|\{\d*,\})(?![+?])")
ADVERSARIAL_LENGTH = 3000
SLOW_SECONDS = 0.25
CANDIDATE_LENGTH = 200  # longer than any mention


@dataclass
class CheckResult:
    lexicon_entries: int
    lexicon_files: int
    patterns: int
    context_rules: int
    failures: list[str]
    warnings: list[str] = field(default_factory=list)


def adversarial_inputs(source: str, length: int = ADVERSARIAL_LENGTH) -> list[str]:
    """Long runs of the characters a pattern names (and a few common ones), each ended by a character it may not expect."""
    literal = [c for c in dict.fromkeys(regex.sub(r"\\.|\[\^?|\(\?[:=!<]{1,2}|\{\d*,?\d*\}", "", source))
               if c.isalnum() or c in "-/.%~ "][:24]
    chars = list(dict.fromkeys(literal + ["a", "A", "1", "中", " ", "%", "-"]))
    inputs = [c * length + "\u0000" for c in chars]
    inputs += [(a + b) * (length // 2) + "\u0000" for a, b in zip(chars, chars[1:])]
    return inputs


def _seconds(pattern, text: str) -> float:
    start = time.perf_counter()
    try:
        for _ in pattern.finditer(text, timeout=SLOW_SECONDS * 4):
            pass
    except TimeoutError:
        pass
    return time.perf_counter() - start


def lint_regex(where: str, name: str, pattern, length: int = ADVERSARIAL_LENGTH) -> tuple[list[str], list[str]]:
    """Time one compiled regex on adversarial inputs (failures) and flag nested quantifiers (warnings).

    A regex fails when it is slow on such input and its time grows faster than the input: twice the
    text taking more than three times as long is backtracking, which explodes on a long piece.
    """
    failures, warnings = [], []
    nested = NESTED_QUANTIFIER.search(pattern.pattern)
    if nested:
        warnings.append(f"{where} {name}: nested quantifier {nested.group()!r} can backtrack catastrophically; "
                        "make the inner repeat possessive (a++) or atomic")
    for text in adversarial_inputs(pattern.pattern, length):
        full = _seconds(pattern, text)
        if full < SLOW_SECONDS / 10:
            continue
        # a suspect is timed twice more and the fastest run counts, so that a busy machine does not
        # turn a linear pattern into a backtracking one
        full = min(full, _seconds(pattern, text), _seconds(pattern, text))
        short = text[: len(text) // 2] + text[-1]
        half = min(_seconds(pattern, short) for _ in range(3))
        if full >= SLOW_SECONDS * 4 or (full > SLOW_SECONDS / 2 and full > 3 * half):
            failures.append(f"{where} {name}: took {full:.2f} s on {len(text)} repeated {text[:2]!r} characters and "
                            f"{half:.2f} s on half of them (backtracking); the pipeline would stop on such text")
            break
    return failures, warnings


def check_rules() -> CheckResult:
    """Validate every rule file (raises RuleError on the first broken line), run all examples, time every regex."""
    entries = load_lexicons()
    patterns = load_span_patterns()
    rules = load_context_rules()
    failures, warnings = check_examples(patterns, rules), []
    # span patterns run over whole pieces; context rules over a candidate's window (and the candidate)
    regexes = [(p.where, p.name, p.regex, ADVERSARIAL_LENGTH) for p in patterns]
    regexes += [(r.where, r.name, r.regex, r.window + CANDIDATE_LENGTH) for r in rules]
    regexes += [(r.where, r.name + " (text)", r.text, CANDIDATE_LENGTH) for r in rules if r.text is not None]
    for where, name, pattern, length in regexes:
        bad, odd = lint_regex(where, name, pattern, length)
        failures += bad
        warnings += odd
    return CheckResult(len(entries), len(lexicon_files()), len(patterns), len(rules), failures, warnings)


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
