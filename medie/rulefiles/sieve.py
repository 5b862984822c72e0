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
concatenation still occurs wherever the whole does), and a regex that never gets there, or ignores
case, has no sieve.
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


def relaxed(pattern: str) -> str | None:
    """``pattern`` with its zero-width assertions removed, or None when that would not be sound."""
    if _UNSAFE.search(pattern):
        return None
    out: list[str] = []
    i, n = 0, len(pattern)
    try:
        while i < n:
            ch = pattern[i]
            if ch == "\\":
                if pattern[i + 1 : i + 2] in _ASSERTION_ESCAPES:
                    i += 2
                    continue
                j = i + 2
                if pattern[i + 1 : i + 2] in ("p", "P", "N", "x", "u") and pattern[j : j + 1] == "{":
                    j = pattern.index("}", j) + 1
                out.append(pattern[i:j])
                i = j
            elif ch == "[":
                j = _class_end(pattern, i)
                out.append(pattern[i:j])
                i = j
            elif ch in "^$":
                i += 1
            elif pattern.startswith(_LOOKAROUND, i):
                i = _group_end(pattern, i)
                q = _QUANTIFIER.match(pattern, i)  # a quantified assertion goes with its quantifier
                if q:
                    i = q.end()
            else:
                out.append(ch)
                i += 1
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
        if ch == "\\":
            j = i + 2
            if source[i + 1 : i + 2] in ("p", "P", "N", "x", "u") and source[j : j + 1] == "{":
                j = source.index("}", j) + 1
        elif ch == "[":
            j = _class_end(source, i)
        elif ch == "(":
            j = _group_end(source, i)
        else:
            j = i + 1
        q = _QUANTIFIER.match(source, j)
        least = 1
        if q:
            spec = q.group().rstrip("?") or "?"  # a lone lazy '?' is the optional quantifier
            least = 0 if spec[0] in "?*" else 1 if spec[0] == "+" else int(spec[1:-1].split(",")[0] or 0)
            j = q.end()
        items.append((source[i:j], least))
        i = j
    return items


def _branches(source: str) -> list[str]:
    """The top-level alternatives of ``source``."""
    out, i, start = [], 0, 0
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
        elif ch == "[":
            i = _class_end(source, i)
        elif ch == "(":
            i = _group_end(source, i)
        else:
            if ch == "|":
                out.append(source[start:i])
                start = i + 1
            i += 1
    return out + [source[start:]]


def _literal_led(source: str) -> bool:
    """True when every way of matching ``source`` starts with a literal character."""
    for branch in _branches(source):
        if not branch or branch[0] in ".[^$)*+?{":
            return False
        if branch[0] == "\\" and (len(branch) < 2 or branch[1].isalnum()):
            return False  # a class escape such as \s or \p{Han}
        if branch[0] == "(":
            inner = _group_end(branch, 0)
            if _QUANTIFIER.match(branch, inner) and _QUANTIFIER.match(branch, inner).group()[0] in "?*{":
                return False
            head = regex.match(r"\(\?(?::|P?<\w+>)|\((?!\?)", branch)
            if head is None or not _literal_led(branch[head.end() : inner - 1]):
                return False
        elif _QUANTIFIER.match(branch, 1) and _QUANTIFIER.match(branch, 1).group()[0] in "?*{":
            return False
    return True


def _cheap_tail(source: str) -> str | None:
    """``source`` without the leading items that keep the engine from skipping to a literal, or None."""
    items = _items(source)
    if items is None:
        return source if _literal_led(source) else None
    for k, (_, least) in enumerate(items):
        tail = "".join(item for item, _ in items[k:])
        if least >= 1 and _literal_led(tail):
            return tail
    return None


def sieve(compiled: Any) -> Any:
    """The compiled sieve of ``compiled`` (same flags), or None when there is no useful one: not sound,
    not compilable, ignoring case, without a literal to skip to, or matching the empty string."""
    if compiled.flags & regex.IGNORECASE:
        return None
    source = relaxed(compiled.pattern)
    if source is None:
        return None
    try:
        source = _cheap_tail(source)
    except ValueError:
        return None
    if source is None:
        return None
    try:
        out = regex.compile(source, flags=compiled.flags)
    except regex.error:
        return None
    return None if out.fullmatch("") is not None else out
