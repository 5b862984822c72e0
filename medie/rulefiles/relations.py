"""Relation and negation rules as data: ``rules/relations.jsonl`` and ``rules/negation.jsonl``.

A relation rule line names its relation ``type`` and a ``kind``:

- ``cue`` — link a head and a tail of one sentence when the text between them (normalised) matches
  ``between`` in full and no other mention of the head's label lies between; ``order`` is
  ``tail_first`` or ``head_first``; an optional ``before`` must match at the end of the sentence
  text before the first of the two (``靶向X的Y``), an optional ``after`` at the start of the text
  after the second (``X是一种Y抑制剂``). A link also reaches the aliases of the head written right
  after it and the bracketed partner of the tail (``alias``).
- ``alias`` — ``pattern`` (in full) is the text between two names of one drug
  (``芦康沙妥珠单抗（sac-TMT）``); ``cue`` links of the type reach every name of the chain.
- ``pairs`` — link every head/tail pair of one sentence (``treats``, ``tested_in``, ``phase_of``).
- ``block`` — a ``pairs`` link is not made when the ``window`` characters on ``side`` (``left`` or
  ``right``) of its ``of`` end (``head`` or ``tail``) match ``pattern`` (a disease named as an
  adverse event).
- ``list`` — ``pattern`` marks a respective list (``分别``): the mentions before it pair in order
  with the values after it (``measures`` and ``arm``).
- ``after`` — a RESULT whose sentence names no ENDPOINT before it takes the ENDPOINT right after it
  when the text between matches ``between`` (``3例出现皮疹``).
- ``group`` — ``pattern`` finds treatment-group names (``观察组``); the drugs named after a group
  name in its sentence are that group's arm (``arm``). A group that is never given a drug has no
  arm when the rule says ``"control": true`` (``对照组``, ``激光组``); otherwise its results take the
  arm the sentence would give them without the group name (``高剂量组`` of the one study drug).
- ``base`` — ``pattern`` says a group's treatment adds to the other group's (``在此基础上``).
- ``join`` — ``pattern`` (in full) is the text between two drugs of one arm (``联合``, ``+``).
- ``implied`` — for ``phase_of``: a PHASE whose sentence names no drug or trial links the nearest
  drug mention of the previous ``sentences`` sentences.

A negation rule line has a ``kind``: ``cue`` (``pattern``, ``direction`` ``forward`` — the cue
precedes the span — or ``backward``, and ``window``, the most characters between cue and span),
``pseudo`` (text that contains a cue but negates nothing, ``无进展生存期``) or ``terminator``
(ends a cue's scope, ``但``).

Examples are sentences with mentions written ``{LABEL:text}``: a relation rule's ``linked``
examples must give a link of its type from the first head-label mention to the first tail-label
mention and its ``unlinked`` ones must not; a negation rule's ``negated`` examples must mark the
first ENDPOINT/DISEASE mention negated and its ``affirmed`` ones must not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from ..labels import LABELS, RELATION_TYPES
from . import RuleError, rules_dir
from .patterns import _compile, _records

MARK = regex.compile(r"\{([A-Z_]+):([^{}]+)\}")
RELATION_KINDS = {
    "cue": {"between", "order"}, "pairs": {"scope"}, "block": {"side", "of", "window", "pattern"},
    "list": {"pattern"}, "after": {"between"}, "group": {"pattern"}, "base": {"pattern"},
    "join": {"pattern"}, "series": {"pattern"}, "implied": {"sentences"}, "alias": {"pattern"},
}
RELATION_OPTIONAL = {"cue": {"before", "after"}, "group": {"control"}}
NEGATION_KINDS = {"cue": {"pattern", "direction", "window"}, "pseudo": {"pattern"}, "terminator": {"pattern"}}
# a terminator with a direction ends only the scopes of cues of that direction
NEGATION_OPTIONAL = {"terminator": {"direction"}}


@dataclass(frozen=True)
class Rule:
    """One rule line: its name, kind, settings (regexes compiled) and examples."""

    name: str
    kind: str
    type: str
    settings: dict[str, Any]
    examples: dict[str, list[str]] = field(default_factory=dict, compare=False)
    where: str = ""

    def __getitem__(self, key: str) -> Any:
        return self.settings[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.settings.get(key, default)


def parse_example(example: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Strip ``{LABEL:text}`` marks: the plain text and the marked mentions (start, end, label)."""
    out, mentions, pos = [], [], 0
    for m in MARK.finditer(example):
        out.append(example[pos:m.start()])
        start = sum(map(len, out))
        out.append(m.group(2))
        mentions.append((start, start + len(m.group(2)), m.group(1)))
        pos = m.end()
    out.append(example[pos:])
    return "".join(out), mentions


def _example_lists(path: Path, lineno: int, rec: dict[str, Any], keys: tuple[str, str]) -> dict[str, list[str]]:
    ex = rec.get("examples")
    if not isinstance(ex, dict) or set(ex) - set(keys) or not any(ex.get(k) for k in keys):
        raise RuleError(path, lineno, f"'examples' needs a non-empty {keys[0]!r} or {keys[1]!r} list")
    for key in keys:
        for text in ex.get(key, []):
            if not isinstance(text, str):
                raise RuleError(path, lineno, f"example {text!r} is not a string")
            _, marks = parse_example(text)
            for _, _, label in marks:
                if label not in LABELS:
                    raise RuleError(path, lineno, f"example {text!r} marks an unknown label {label!r}")
            if not marks:
                raise RuleError(path, lineno, f"example {text!r} has no {{LABEL:text}} mention")
    return {k: list(ex.get(k, [])) for k in keys}


def _settings(path: Path, lineno: int, rec: dict[str, Any], required: set[str], optional: set[str]) -> dict[str, Any]:
    missing = required - set(rec)
    if missing:
        raise RuleError(path, lineno, f"missing field(s) {', '.join(sorted(missing))}")
    settings = {}
    for key in required | (optional & set(rec)):
        value = rec[key]
        if key in ("pattern", "between", "before", "after"):
            value = _compile(path, lineno, value)
        elif key in ("window", "sentences"):
            if not isinstance(value, int) or value < 0:
                raise RuleError(path, lineno, f"{key!r} must be a non-negative integer")
        elif key == "order" and value not in ("tail_first", "head_first"):
            raise RuleError(path, lineno, "'order' must be 'tail_first' or 'head_first'")
        elif key == "side" and value not in ("left", "right"):
            raise RuleError(path, lineno, "'side' must be 'left' or 'right'")
        elif key == "of" and value not in ("head", "tail"):
            raise RuleError(path, lineno, "'of' must be 'head' or 'tail'")
        elif key == "scope" and value != "sentence":
            raise RuleError(path, lineno, "'scope' must be 'sentence'")
        elif key == "control" and not isinstance(value, bool):
            raise RuleError(path, lineno, "'control' must be true or false")
        elif key == "direction" and value not in ("forward", "backward"):
            raise RuleError(path, lineno, "'direction' must be 'forward' or 'backward'")
        settings[key] = value
    return settings


def _lines(path: Path, kinds: dict[str, set[str]], optional: dict[str, set[str]], extra: set[str]):
    """Each rule line with its line number after the checks both files share: a unique name, a
    known kind, no unknown field."""
    names: set[str] = set()
    for lineno, rec in _records(path):
        name, kind = rec.get("name"), rec.get("kind")
        if not name or name in names:
            raise RuleError(path, lineno, f"missing or duplicate rule name {name!r}")
        if kind not in kinds:
            raise RuleError(path, lineno, f"unknown kind {kind!r} (known: {', '.join(kinds)})")
        unknown = set(rec) - kinds[kind] - optional.get(kind, set()) - extra - {"name", "kind", "examples", "comment"}
        if unknown:
            raise RuleError(path, lineno, f"unknown field(s) {', '.join(sorted(unknown))}")
        names.add(name)
        yield lineno, rec


def read_relation_rules(path: Path) -> list[Rule]:
    out = []
    for lineno, rec in _lines(path, RELATION_KINDS, RELATION_OPTIONAL, {"type"}):
        if rec.get("type") not in RELATION_TYPES:
            raise RuleError(path, lineno, f"unknown relation type {rec.get('type')!r} (known: {', '.join(RELATION_TYPES)})")
        kind = rec["kind"]
        out.append(Rule(rec["name"], kind, rec["type"],
                        _settings(path, lineno, rec, RELATION_KINDS[kind], RELATION_OPTIONAL.get(kind, set())),
                        _example_lists(path, lineno, rec, ("linked", "unlinked")), f"{path}:{lineno}"))
    return out


def read_negation_rules(path: Path) -> list[Rule]:
    out = []
    for lineno, rec in _lines(path, NEGATION_KINDS, NEGATION_OPTIONAL, set()):
        kind = rec["kind"]
        out.append(Rule(rec["name"], kind, "negated", _settings(path, lineno, rec, NEGATION_KINDS[kind], NEGATION_OPTIONAL.get(kind, set())),
                        _example_lists(path, lineno, rec, ("negated", "affirmed")), f"{path}:{lineno}"))
    return out


def load_relation_rules(path: Path | None = None) -> list[Rule]:
    return read_relation_rules(path or rules_dir() / "relations.jsonl")


def load_negation_rules(path: Path | None = None) -> list[Rule]:
    return read_negation_rules(path or rules_dir() / "negation.jsonl")
