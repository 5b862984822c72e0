"""Run the examples of the relation and negation rules (``medie rules check``)."""

from __future__ import annotations

from typing import Sequence

from ..labels import RELATION_TYPES
from ..mention import Mention
from ..rulefiles.relations import Rule, load_negation_rules, load_relation_rules, parse_example
from .linker import Linker
from .negation import NegationDetector


def marked(example: str) -> tuple[str, list[Mention]]:
    """The plain text of an example and its ``{LABEL:text}`` mentions."""
    text, marks = parse_example(example)
    return text, [Mention(s, e, label, text[s:e]) for s, e, label in marks]


def relation_example_failures(rules: Sequence[Rule] | None = None) -> list[str]:
    """Examples that do not behave as written: a ``linked`` example must link its first head-label
    mention to its first tail-label mention by the rule's type, an ``unlinked`` one must not."""
    rules = list(load_relation_rules() if rules is None else rules)
    linker, out = Linker(rules), []
    for rule in rules:
        heads, tails = RELATION_TYPES[rule.type]
        for kind in ("linked", "unlinked"):
            for example in rule.examples.get(kind, ()):
                text, ms = marked(example)
                head = next((m for m in ms if m.label in heads), None)
                tail = next((m for m in ms if m.label in tails and m is not head), None)
                if head is None or tail is None:
                    out.append(f"{rule.where} {rule.name}: {kind} example {example!r} needs a "
                               f"{'/'.join(heads)} and a {'/'.join(tails)} mention")
                    continue
                got = any(r.type == rule.type and r.head == head and r.tail == tail for r in linker.relate(text, ms))
                if got != (kind == "linked"):
                    out.append(f"{rule.where} {rule.name}: {kind} example {example!r} "
                               f"{'is not linked' if kind == 'linked' else 'is linked'}")
    return out


def negation_example_failures(rules: Sequence[Rule] | None = None) -> list[str]:
    """Examples whose first ENDPOINT/DISEASE mention is not negated (``negated``) or is (``affirmed``)."""
    rules = list(load_negation_rules() if rules is None else rules)
    detector, out = NegationDetector(rules), []
    for rule in rules:
        for kind in ("negated", "affirmed"):
            for example in rule.examples.get(kind, ()):
                text, ms = marked(example)
                first = next((m for m in ms if m.label in ("ENDPOINT", "DISEASE")), None)
                if first is None:
                    out.append(f"{rule.where} {rule.name}: {kind} example {example!r} needs an ENDPOINT or DISEASE mention")
                elif ((first.start, first.end) in detector.negated(text, ms)) != (kind == "negated"):
                    out.append(f"{rule.where} {rule.name}: {kind} example {example!r} "
                               f"{'is not negated' if kind == 'negated' else 'is negated'}")
    return out
