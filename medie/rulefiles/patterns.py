"""Regex rules as data: span patterns (``rules/patterns/*.jsonl``) and context rules (``rules/context.jsonl``).

A span pattern line::

    {"name": "phase_roman", "label": "PHASE", "pattern": "...",
     "examples": {"match": ["一项[II期]临床试验"], "nomatch": ["晚期患者"]}}

The optional named group ``m`` is the mention; otherwise the whole match is. In ``match``
examples the expected mention is written in square brackets. The optional ``requires`` lists
strings of which a text must contain one for the pattern to run at all (``["®", "™"]`` for a
brand-mark pattern): a cheap skip for patterns whose trigger is rare. The optional ``anchor``,
``{"pattern": "癌|瘤|病", "before": 8, "after": 0}``, says that every match starts between
``before`` characters before and ``after`` characters after the start of a match of the anchor
regex: the pattern is then tried only at those positions, with the same result as a scan of every
position (``medie rules check`` compares the two on the rule's examples). It is for patterns that
open with a long lookbehind or a loop and end in a head word.

A context rule line::

    {"name": "date_year", "labels": ["RESULT"], "side": "right", "window": 3,
     "pattern": "^年", "action": "drop", "examples": {"match": ["于[2022]年"], "nomatch": ["[88%]的患者"]}}

``name`` is unique in the file (it keys the rule's sieve, :mod:`medie.rulefiles.sieve`). ``side`` is
``left`` (the ``window`` characters before the candidate), ``right``, or ``around``
(the pattern must match a stretch that covers the whole candidate, e.g. a URL); the optional
``text`` is a regex the candidate's own text must match for the rule to apply, and the optional
``unless_after`` one that keeps the rule from applying when it matches at the start of the ``window``
characters after the candidate; ``action``
is ``drop``, ``drop_name`` (drop the candidate and every candidate of its label with the same
text in the document: the name means something else there, e.g. a protein given as the therapy),
``relabel:LABEL``, or ``extend``: the candidate grows to take in the matched text
(a left pattern should end with ``$``, a right one start with ``^``), e.g. modifiers that belong to
a disease name. Rules apply in file order; the first drop or relabel that matches decides; extend
rules apply before that and do not stop the search.
Patterns run on normalised text (``Ⅱ`` is ``II``, full-width characters are ASCII, and
whitespace next to Chinese characters is gone).
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import regex

from ..labels import LABELS
from ..text.normalize import normalize
from . import RuleError, rules_dir
from .sieve import sieve

EXAMPLE = regex.compile(r"\[([^\[\]]+)\]")
# seconds a user regex may take on one piece of text (or one candidate's context) before the run stops
REGEX_TIMEOUT = 2.0


def too_slow(where: str, name: str, length: int) -> RuleError:
    """The error for a rule whose regex exceeded :data:`REGEX_TIMEOUT` (catastrophic backtracking)."""
    path, _, line = where.rpartition(":")
    return RuleError(path, int(line) if line.isdigit() else None,
                     f"rule {name!r} took longer than {REGEX_TIMEOUT:g} s on {length} characters "
                     "(a regex that backtracks catastrophically, e.g. nested quantifiers like (a+)+); "
                     "run `medie rules check` and rewrite it")


@dataclass(frozen=True)
class SpanPattern:
    name: str
    label: str
    source: str
    examples: dict[str, list[str]] = field(default_factory=dict, compare=False)
    where: str = ""
    requires: tuple[str, ...] = ()
    anchor: Any = None
    before: int = 0
    after: int = 0
    windowed: Any = None  # with an anchor: the regex that tries a window of positions in one call

    @cached_property
    def regex(self) -> Any:
        """The compiled pattern. An anchored pattern runs through :attr:`windowed` (compiled, and so
        checked, when the file is read); its plain regex is compiled only for a full scan."""
        return regex.compile(self.source, flags=regex.V1)

    def finditer(self, text: str, anchored: bool = True):
        """Yield (start, end) of each mention in ``text``; a pattern that runs past the time limit is an error.

        A pattern with ``requires`` runs only on texts that contain one of those strings; one with an
        ``anchor`` is tried only near the anchor's matches unless ``anchored`` is false.
        """
        if self.requires and not any(s in text for s in self.requires):
            return
        windowed = anchored and self.anchor is not None
        group = "m" if "m" in (self.windowed if windowed else self.regex).groupindex else 0
        matches = self._anchored(text) if windowed else self.regex.finditer(text, overlapped=False, timeout=REGEX_TIMEOUT)
        try:
            for match in matches:
                start, end = match.span(group)
                if start < end:
                    yield start, end
        except TimeoutError:
            raise too_slow(self.where, self.name, len(text)) from None

    def _anchored(self, text: str):
        """The matches of a scan of every position, found by trying only the positions the anchor allows.

        The allowed positions form windows; in each, one call of :attr:`windowed` (the pattern behind a
        lazy skip of at most ``before + after`` characters and ``\\K``) tries them left to right, as a
        scan does, without a Python call per position.
        """
        windows: list[list[int]] = []
        for hit in self.anchor.finditer(text, overlapped=True, timeout=REGEX_TIMEOUT):
            lo, hi = max(0, hit.start() - self.before), min(len(text), hit.start() + self.after)
            if windows and lo <= windows[-1][1] + 1:
                windows[-1][1] = max(windows[-1][1], hi)
            else:
                windows.append([lo, hi])
        reach, resume = self.before + self.after, 0
        for lo, hi in windows:
            pos = max(lo, resume)
            while pos <= hi:
                match = self.windowed.match(text, pos, timeout=REGEX_TIMEOUT)
                if match is None:  # none starts in [pos, pos + reach]; a merged window may go on
                    pos += reach + 1
                    continue
                if match.start() > hi:
                    break
                yield match
                pos = resume = max(match.end(), match.start() + 1)

# regex syntax whose meaning changes when the text is cut to a window: anchors, boundaries, lookarounds
_SLICE_SENSITIVE = regex.compile(r"\^|\$|\\[bBAZzG]|\(\?<?[=!]|\\[pP]\{?Word|\\K")


def slice_free(pattern: str) -> bool:
    """True when a regex has no anchor, word boundary or lookaround, so that a text with no match
    anywhere has none in any stretch of it either."""
    return not _SLICE_SENSITIVE.search(pattern)


@dataclass(frozen=True)
class ContextRule:
    name: str
    labels: tuple[str, ...]
    side: str
    window: int
    regex: Any
    action: str
    examples: dict[str, list[str]] = field(default_factory=dict, compare=False)
    where: str = ""
    text: Any = None
    unless_after: Any = None
    sieve: tuple[str, ...] | None = None  # strings one of which every match holds (medie.rulefiles.sieve)

    @property
    def slice_free(self) -> bool:
        """See :func:`slice_free`: then the rule's matches over the whole text are its matches near each candidate."""
        return slice_free(self.regex.pattern)

    def near(self, starts: list[int], start: int, end: int) -> bool:
        """False when no occurrence of a sieve string (``starts``: their offsets, sorted) begins inside
        the window of candidate ``[start, end)``: then the rule cannot match it."""
        if self.side == "left":
            lo, hi = start - self.window, start
        elif self.side == "right":
            lo, hi = end, end + self.window
        else:
            lo, hi = start - self.window, end + self.window
        k = bisect_left(starts, lo)
        return k < len(starts) and starts[k] < hi

    def match(self, text: str, start: int, end: int, label: str):
        """The regex match in the candidate's context window, or None; past the time limit an error."""
        if label not in self.labels:
            return None
        try:
            if not self._fits(text, start, end):
                return None
            if self.side == "left":
                return self.regex.search(text[max(0, start - self.window) : start], timeout=REGEX_TIMEOUT)
            if self.side == "right":
                return self.regex.search(text[end : end + self.window], timeout=REGEX_TIMEOUT)
            lo = max(0, start - self.window)
            for m in self.regex.finditer(text[lo : end + self.window], timeout=REGEX_TIMEOUT):
                if m.start() <= start - lo and m.end() >= end - lo:
                    return m
            return None
        except TimeoutError:
            raise too_slow(self.where, self.name, self.window + end - start) from None

    def scope(self, text: str) -> "RuleScope | None":
        """For a slice-free ``around`` rule: its matches over the whole text, found once, so that each
        candidate is looked up instead of searched for (None for the other rules)."""
        if self.side != "around" or not self.slice_free:
            return None
        try:
            return RuleScope([(m.start(), m.end()) for m in self.regex.finditer(text, timeout=REGEX_TIMEOUT)])
        except TimeoutError:
            raise too_slow(self.where, self.name, len(text)) from None

    def covered(self, scope: "RuleScope", text: str, start: int, end: int) -> bool:
        """What :meth:`match` says for a candidate, from the rule's ``scope`` of the whole text."""
        try:
            return self._fits(text, start, end) and scope.covers(start, end, self.window)
        except TimeoutError:
            raise too_slow(self.where, self.name, self.window + end - start) from None

    def _fits(self, text: str, start: int, end: int) -> bool:
        """The candidate's own checks: its text matches ``text`` and what follows it not ``unless_after``."""
        if self.text is not None and not self.text.fullmatch(text, start, end, timeout=REGEX_TIMEOUT):
            return False
        return self.unless_after is None or not self.unless_after.match(text[end : end + self.window], timeout=REGEX_TIMEOUT)

    def applies(self, text: str, start: int, end: int, label: str) -> bool:
        return self.match(text, start, end, label) is not None


class RuleScope:
    """The sorted, non-overlapping matches of one rule over a whole text."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans, self.starts = spans, [s for s, _ in spans]

    def covers(self, start: int, end: int, window: int) -> bool:
        """True when a match that starts at most ``window`` characters before ``start`` covers ``[start, end)``."""
        k = bisect_right(self.starts, start) - 1
        return k >= 0 and self.spans[k][1] >= end and self.spans[k][0] >= start - window


def _records(path: Path) -> list[tuple[int, dict[str, Any]]]:
    out = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as err:
        raise RuleError(path, None, f"not valid UTF-8 at byte {err.start}") from err
    for lineno, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as err:
            raise RuleError(path, lineno, f"malformed JSON: {err.msg} at column {err.colno}") from err
        if not isinstance(rec, dict):
            raise RuleError(path, lineno, "a rule must be a JSON object")
        out.append((lineno, rec))
    return out


def _compile(path: Path, lineno: int, pattern: Any) -> Any:
    if not isinstance(pattern, str) or not pattern:
        raise RuleError(path, lineno, "missing or empty 'pattern'")
    try:
        return regex.compile(pattern, flags=regex.V1)
    except regex.error as err:
        raise RuleError(path, lineno, f"bad regex: {err}") from err


def _examples(path: Path, lineno: int, rec: dict[str, Any]) -> dict[str, list[str]]:
    ex = rec.get("examples", {})
    if not isinstance(ex, dict) or set(ex) - {"match", "nomatch"} or not ex.get("match"):
        raise RuleError(path, lineno, "'examples' needs a non-empty 'match' list (and optionally 'nomatch')")
    for ok in ex["match"]:
        if not EXAMPLE.search(ok):
            raise RuleError(path, lineno, f"match example {ok!r} has no [bracketed] mention")
    return {"match": list(ex["match"]), "nomatch": list(ex.get("nomatch", []))}


def read_span_patterns(path: Path) -> list[SpanPattern]:
    out, names = [], set()
    for lineno, rec in _records(path):
        name, label = rec.get("name"), rec.get("label")
        if not name or name in names:
            raise RuleError(path, lineno, f"missing or duplicate rule name {name!r}")
        if label not in LABELS:
            raise RuleError(path, lineno, f"unknown label {label!r}")
        unknown = set(rec) - {"name", "label", "pattern", "examples", "comment", "requires", "anchor"}
        if unknown:
            raise RuleError(path, lineno, f"unknown field(s) {', '.join(sorted(unknown))}")
        anchor, before, after = _anchor(path, lineno, rec.get("anchor"))
        requires = rec.get("requires", [])
        if not isinstance(requires, list) or any(not isinstance(r, str) or not r for r in requires):
            raise RuleError(path, lineno, "'requires' must be a list of non-empty strings")
        examples = _examples(path, lineno, rec)
        for ex in examples["match"]:
            if requires and not any(normalize(r).text in normalize(ex).text for r in requires):
                raise RuleError(path, lineno, f"match example {ex!r} contains none of 'requires' {requires}")
        names.add(name)
        source = rec.get("pattern")
        windowed = _windowed(path, lineno, source, before + after) if anchor is not None else None
        pat = SpanPattern(name, label, source, examples, f"{path}:{lineno}", tuple(normalize(r).text for r in requires),
                          anchor, before, after, windowed)
        if windowed is None:
            pat.__dict__["regex"] = _compile(path, lineno, source)  # compiled now: a bad regex is reported here
        out.append(pat)
    return out


def _anchor(path: Path, lineno: int, spec: Any) -> tuple[Any, int, int]:
    """The compiled anchor regex and its ``before``/``after`` reach (None, 0, 0 without one)."""
    if spec is None:
        return None, 0, 0
    if not isinstance(spec, dict) or set(spec) - {"pattern", "before", "after"}:
        raise RuleError(path, lineno, "'anchor' must be an object with 'pattern' and optional 'before', 'after'")
    reach = [spec.get(k, 0) for k in ("before", "after")]
    if any(not isinstance(n, int) or isinstance(n, bool) or n < 0 for n in reach):
        raise RuleError(path, lineno, "the anchor's 'before' and 'after' must be non-negative integers")
    return _compile(path, lineno, spec.get("pattern")), reach[0], reach[1]


def _windowed(path: Path, lineno: int, source: Any, reach: int) -> Any:
    """The pattern behind a lazy skip of up to ``reach`` characters: matched at ``pos``, it finds the
    first match starting in ``[pos, pos + reach]``, and ``\\K`` makes that start the match's start."""
    if not isinstance(source, str) or not source:
        raise RuleError(path, lineno, "missing or empty 'pattern'")
    if "\\K" in source or "\\G" in source:
        raise RuleError(path, lineno, "an anchored pattern cannot use \\K or \\G")
    flags = regex.match(r"\(\?[a-zA-Z]+\)", source)  # global inline flags stay in front
    head = flags.group() if flags else ""
    try:
        return regex.compile(f"{head}[\\s\\S]{{0,{reach}}}?\\K(?:{source[len(head):]})", flags=regex.V1)
    except regex.error as err:
        _compile(path, lineno, source)  # reports the pattern's own error, at its own positions
        raise RuleError(path, lineno, f"bad regex once placed behind its anchor's skip: {err}") from err


def read_context_rules(path: Path) -> list[ContextRule]:
    out, names = [], set()
    for lineno, rec in _records(path):
        if not isinstance(rec.get("name"), str) or not rec["name"] or rec["name"] in names:
            raise RuleError(path, lineno, f"missing or duplicate rule name {rec.get('name')!r}")
        names.add(rec["name"])
        labels = rec.get("labels")
        if not isinstance(labels, list) or not labels or any(lab not in LABELS for lab in labels):
            raise RuleError(path, lineno, f"'labels' must be a list of known labels, got {labels!r}")
        if rec.get("side") not in ("left", "right", "around"):
            raise RuleError(path, lineno, "'side' must be 'left', 'right' or 'around'")
        window = rec.get("window")
        if not isinstance(window, int) or window <= 0:
            raise RuleError(path, lineno, "'window' must be a positive integer")
        action = rec.get("action", "")
        if action not in ("drop", "drop_name", "extend") and not (action.startswith("relabel:") and action[8:] in LABELS):
            raise RuleError(path, lineno, f"'action' must be drop, drop_name, extend or relabel:<LABEL>, got {action!r}")
        unknown = set(rec) - {"name", "labels", "side", "window", "pattern", "action", "examples", "comment", "text",
                              "unless_after"}
        if unknown:
            raise RuleError(path, lineno, f"unknown field(s) {', '.join(sorted(unknown))}")
        if action == "extend" and rec["side"] == "around":
            raise RuleError(path, lineno, "'extend' works on the left or right side only")
        text_re = _compile(path, lineno, rec["text"]) if "text" in rec else None
        unless = _compile(path, lineno, rec["unless_after"]) if "unless_after" in rec else None
        compiled = _compile(path, lineno, rec.get("pattern"))
        out.append(ContextRule(rec["name"], tuple(labels), rec["side"], window, compiled, action,
                               _examples(path, lineno, rec), f"{path}:{lineno}", text_re, unless, sieve(compiled)))
    return out


def load_span_patterns(directory: Path | None = None) -> list[SpanPattern]:
    directory = directory or rules_dir() / "patterns"
    out: list[SpanPattern] = []
    seen: dict[str, str] = {}
    for path in sorted(directory.glob("*.jsonl")):
        for pat in read_span_patterns(path):
            if pat.name in seen:
                raise RuleError(path, None, f"rule name {pat.name!r} is also used at {seen[pat.name]}")
            seen[pat.name] = pat.where
            out.append(pat)
    return out


def load_context_rules(path: Path | None = None) -> list[ContextRule]:
    return read_context_rules(path or rules_dir() / "context.jsonl")


def _unbracket(example: str) -> tuple[str, list[str]]:
    wanted = [normalize(m).text for m in EXAMPLE.findall(example)]
    return normalize(EXAMPLE.sub(r"\1", example)).text, wanted


def _anchor_failures(pat: SpanPattern, text: str, example: str) -> list[str]:
    """A message when the anchored search of ``text`` differs from a scan of every position."""
    if pat.anchor is None:
        return []
    anchored, full = list(pat.finditer(text)), list(pat.finditer(text, anchored=False))
    if anchored == full:
        return []
    return [f"{pat.where} {pat.name}: the anchor misses matches in {example!r}: "
            f"{[text[s:e] for s, e in full]} without it, {[text[s:e] for s, e in anchored]} with it"]


def check_examples(patterns: list[SpanPattern], rules: list[ContextRule]) -> list[str]:
    """Run every rule's examples; return one message per failure."""
    failures = []
    for pat in patterns:
        for ex in pat.examples.get("match", []):
            text, wanted = _unbracket(ex)
            found = [text[s:e] for s, e in pat.finditer(text)]
            for w in wanted:
                if w not in found:
                    failures.append(f"{pat.where} {pat.name}: expected {w!r} in {ex!r}, found {found}")
            failures.extend(_anchor_failures(pat, text, ex))
        for ex in pat.examples.get("nomatch", []):
            text = normalize(ex).text
            found = [text[s:e] for s, e in pat.finditer(text)]
            if found:
                failures.append(f"{pat.where} {pat.name}: must not match in {ex!r}, found {found}")
            failures.extend(_anchor_failures(pat, text, ex))
    for rule in rules:
        for kind in ("match", "nomatch"):
            for ex in rule.examples.get(kind, []):
                m = EXAMPLE.search(ex)
                if not m:
                    failures.append(f"{rule.where} {rule.name}: example {ex!r} has no [bracketed] candidate")
                    continue
                left = normalize(ex[: m.start()]).text
                mention = normalize(m.group(1)).text
                text = left + mention + normalize(ex[m.end():]).text
                hit = rule.applies(text, len(left), len(left) + len(mention), rule.labels[0])
                if hit != (kind == "match"):
                    failures.append(f"{rule.where} {rule.name}: {'should' if kind == 'match' else 'should not'} apply to {ex!r}")
    return failures
