"""Sieves: a rule's regex without its zero-width assertions, to rule a whole text out in one search.

A context rule searches a few characters around each candidate, and its regex often carries
anchors (``$`` at a left window's end) or lookarounds whose meaning depends on where the window is
cut. Dropping every assertion (``^ $ \\b \\B \\A \\Z \\z \\G`` and the lookaround groups) leaves a regex
that matches every stretch of text the rule's own regex consumes, wherever the window was cut: so
when the relaxed regex occurs nowhere in a text, the rule applies to no candidate of that text.
Constructs for which that does not hold (atomic groups, possessive quantifiers, back-references,
conditionals, recursion, ``\\K``) give no sieve.

A sieve is only worth its search when the regex engine can skip ahead to a literal: leading items
of the relaxed regex are dropped until one opens with a literal character (any tail of a
concatenation still occurs wherever the whole does), the tail with the longest literal strings is
taken, and a regex that never gets there, or ignores case, has no sieve.
"""

from __future__ import annotations

from typing import Any

import regex

# syntax after which removing an assertion might change what else matches (checked on the pattern source)
_UNSAFE = regex.compile(r"\(\?>|[*+?}]\+|\\[1-9]|\\g|\(\?\(|\(\?P[=>]|\\K|\(\?R|\(\?\d|\(\?&|\(\?\|")
_ASSERTION_ESCAPES = frozenset("bBAZzG")
_LOOKAROUND = ("(?=", "(?!", "(?<=", "(?<!")
_QUANTIFIER = regex.compile(r"(?:[*+?]|\{\d*(?:,\d*)?\})\??")


def _balanced_end(pattern: str, j: int, opener: str, closer: str, depth: int = 0) -> int:
    """The index after the ``closer`` that balances the openers from ``pattern[j]`` on (escapes are
    skipped, and inside a group so are character classes)."""
    while j < len(pattern):
        ch = pattern[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "[" and opener == "(":
            j = _class_end(pattern, j)
            continue
        j += 1
        if ch == opener:
            depth += 1
        elif ch == closer:
            depth -= 1
            if depth == 0:
                return j
    raise ValueError(f"unbalanced {opener!r}")


def _class_end(pattern: str, i: int) -> int:
    """The index after the character class (V1 sets may nest) that opens at ``pattern[i] == '['``."""
    j = i + 1
    if pattern[j : j + 1] == "^":
        j += 1
    if pattern[j : j + 1] == "]":  # a leading ] is literal
        j += 1
    return _balanced_end(pattern, j, "[", "]", depth=1)


def _group_end(pattern: str, i: int) -> int:
    """The index after the group that opens at ``pattern[i] == '('``."""
    return _balanced_end(pattern, i, "(", ")")


def _atom_end(pattern: str, i: int) -> int:
    """The index after the atom at ``pattern[i]``: an escape (``\\p{Han}`` whole), a class, a group or a character."""
    ch = pattern[i]
    if ch == "\\":
        j = i + 2
        if pattern[i + 1 : i + 2] in ("p", "P", "N", "x", "u") and pattern[j : j + 1] == "{":
            j = pattern.index("}", j) + 1
        return j
    if ch == "[":
        return _class_end(pattern, i)
    if ch == "(":
        return _group_end(pattern, i)
    return i + 1


def relaxed(pattern: str) -> str | None:
    """``pattern`` with its zero-width assertions removed, or None when that would not be sound."""
    if _UNSAFE.search(pattern):
        return None
    out: list[str] = []
    i, n = 0, len(pattern)
    try:
        while i < n:
            ch = pattern[i]
            if ch == "\\" and pattern[i + 1 : i + 2] in _ASSERTION_ESCAPES or ch in "^$":
                i += 1 if ch in "^$" else 2
            elif pattern.startswith(_LOOKAROUND, i):
                i = _group_end(pattern, i)
                q = _QUANTIFIER.match(pattern, i)  # a quantified assertion goes with its quantifier
                if q:
                    i = q.end()
            else:
                j = _atom_end(pattern, i) if ch in "\\[" else i + 1  # groups are walked into
                out.append(pattern[i:j])
                i = j
    except ValueError:
        return None
    return "".join(out)


def _items(source: str) -> list[tuple[str, int]] | None:
    """The top-level items of a concatenation with their least repeat count (None if it has a top-level ``|``)."""
    items, i = [], 0
    while i < len(source):
        ch = source[i]
        if ch == "|":
            return None
        j = _atom_end(source, i)
        q = _QUANTIFIER.match(source, j)
        least = 1
        if q:
            least = _least(q.group())
            j = q.end()
        items.append((source[i:j], least))
        i = j
    return items


def _branches(source: str) -> list[str]:
    """The top-level alternatives of ``source``."""
    out, i, start = [], 0, 0
    while i < len(source):
        if source[i] == "|":
            out.append(source[start:i])
            start = i + 1
        i = _atom_end(source, i)
    return out + [source[start:]]


def _least(quantifier: str) -> int:
    """The least repeat count a quantifier allows (``?``, ``*``, ``+``, ``{m,n}``, each maybe lazy)."""
    spec = quantifier.rstrip("?") or "?"  # a lone lazy '?' is the optional quantifier
    return 0 if spec[0] in "?*" else 1 if spec[0] == "+" else int(spec[1:-1].split(",")[0] or 0)


def _heads(source: str) -> list[str] | None:
    """Literal strings one of which starts every match of ``source`` (None when some way of matching
    it starts with a class, an optional item or anything else that is not a literal character)."""
    out: list[str] = []
    for branch in _branches(source):
        if branch.startswith("("):
            inner = _group_end(branch, 0)
            q = _QUANTIFIER.match(branch, inner)
            opening = regex.match(r"\(\?(?::|P?<\w+>)|\((?!\?)", branch)
            found = _heads(branch[opening.end() : inner - 1]) if opening and not (q and _least(q.group()) == 0) else None
            if not found:
                return None
            out += found
            continue
        literal, i = [], 0
        while i < len(branch):
            ch = branch[i]
            if ch == "\\" and branch[i + 1 : i + 2] and not branch[i + 1].isalnum():
                token, j = branch[i + 1], i + 2  # an escaped punctuation character
            elif ch == "\\" or ch in ".[]()|^$*+?{}":
                break
            else:
                token, j = ch, i + 1
            q = _QUANTIFIER.match(branch, j)
            if q:  # a quantified character ends the literal, and joins it only if it must occur
                if _least(q.group()) >= 1:
                    literal.append(token)
                break
            literal.append(token)
            i = j
        if not literal:
            return None
        out.append("".join(literal))
    return out


def sieve(compiled: Any) -> tuple[str, ...] | None:
    """The sieve of a rule's compiled regex: literal strings such that every stretch of text the rule
    consumes, in any window, holds an occurrence of one of them; None when there is none (an unsound
    construct, a case-insensitive regex, or nothing literal that every match must contain)."""
    if compiled.flags & regex.IGNORECASE:
        return None
    source = relaxed(compiled.pattern)
    if source is None:
        return None
    try:
        found: list[str] = []
        for branch in _branches(source):  # every match is a match of one top-level branch
            heads = _concatenation_sieve(branch)
            if heads is None:
                return None
            found += heads
    except ValueError:
        return None
    return tuple(dict.fromkeys(found))


def _concatenation_sieve(source: str) -> list[str] | None:
    """Literal strings one of which every match of ``source`` (no top-level ``|``) holds: the heads of
    a tail of the concatenation that opens with a literal (a tail occurs wherever the whole does). Of
    those tails, the one whose shortest head is longest is taken (``原料`` rather than ``为`` in
    ``为原料``): longer strings occur in fewer places, so fewer candidates are tried."""
    items = _items(source)
    if items is None:
        return None
    best: list[str] | None = None
    for k, (_, least) in enumerate(items):
        found = _heads("".join(item for item, _ in items[k:])) if least >= 1 else None
        if found and (best is None or min(map(len, found)) > min(map(len, best))):
            best = found
    return best
