"""Rule-based relation extraction over mentions (spec v2.0, GUIDELINES 52–57; rules in ``rules/relations.jsonl``).

Everything works on plain :class:`~medie.mention.Mention` lists with raw offsets and the raw text,
so the same code serves a Doc, a long text processed in pieces and mentions sent back by workers.
Cue texts are compared after normalisation (Traditional and full-width forms match).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from typing import Iterable, Sequence

import regex

from ..labels import RELATION_TYPES
from ..mention import Mention
from ..rulefiles.relations import Rule
from ..text.normalize import folded, normalized_text
from ..text.sentences import Segments, sentences
from .relation import Relation

_SPACE = regex.compile(r"\s+")
_GROUP_AFTER = regex.compile(r"\s?组")
_OPEN, _CLOSE = "（(", "）)"


# a sentence of results that names no drug takes the single arm of the sentence before it (or of a run of such sentences)
CARRY = 1


def name_key(text: str) -> str:
    """The normalised name used to tell mentions of one concept apart (spec: NFKC, case-folded, no whitespace)."""
    return _SPACE.sub("", normalized_text(text)).casefold()


def _through_mentions(segments: Segments, mentions: list[Mention]) -> Segments:
    """The sentences with no cut inside a mention: a name broken over two lines (``非小细`` / ``胞肺癌``)
    shows that the line break is a wrapped line, not the end of a heading (GUIDELINES 52, 59)."""
    ends = segments.ends
    inside = set()
    for m in mentions:
        i = bisect_right(ends, m.start)
        while i < len(ends) and ends[i] < m.end:
            inside.add(ends[i])
            i += 1
    if not inside:
        return segments
    return Segments(tuple(e for e in ends if e not in inside), segments.length)


class _Text:
    """One text with its mentions sorted, their sentences, and cached normalised slices."""

    def __init__(self, raw: str, mentions: Iterable[Mention], segments: Segments | None) -> None:
        self.raw = raw
        self.folded = folded(raw)  # same offsets as raw; what cue patterns search
        self.mentions = sorted(mentions, key=lambda m: (m.start, m.end))
        self.order = {m: i for i, m in enumerate(self.mentions)}
        self.segments = _through_mentions(segments or sentences(raw), self.mentions)
        self.sentence = {m: self.segments.index(m.start) for m in self.mentions}
        self.by_sentence: dict[int, list[Mention]] = defaultdict(list)
        for m in self.mentions:
            self.by_sentence[self.sentence[m]].append(m)
        self.drugs = [m for m in self.mentions if m.label == "DRUG"]
        self.study = _study_drug(self.drugs)  # the one drug the text is about, if any
        self._norm: dict[tuple[int, int], str] = {}

    def norm(self, start: int, end: int) -> str:
        """The normalised text of ``raw[start:end]`` (each stretch normalised once: rules ask again)."""
        if start >= end:
            return ""
        got = self._norm.get((start, end))
        if got is None:
            got = self._norm[(start, end)] = normalized_text(self.raw[start:end])
        return got

    def between(self, a: Mention, b: Mention) -> str:
        return self.norm(a.end, b.start)


class Linker:
    """Applies the relation rules to the mentions of one text."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = list(rules)
        self._by: dict[tuple[str, str], list[Rule]] = defaultdict(list)
        for rule in self.rules:
            self._by[(rule.type, rule.kind)].append(rule)

    def rules_of(self, rtype: str, kind: str) -> list[Rule]:
        return self._by.get((rtype, kind), [])

    def relate(self, raw: str, mentions: Iterable[Mention], segments: Segments | None = None) -> list[Relation]:
        """All relations among ``mentions`` of ``raw``, sorted by head, type and tail."""
        doc = _Text(raw, mentions, segments)
        found: dict[tuple, Relation] = {}
        for step in (self._measures, self._arm, self._phase_of, self._cues, self._pairs):
            for rel in step(doc):
                found.setdefault(rel.key, rel)
        return sorted(found.values(), key=lambda r: (r.head.start, r.type, r.tail.start))

    # ---- measures -------------------------------------------------------------------------
    def _respective(self, doc: _Text, rtype: str, sent: list[Mention], labels: tuple[str, ...]) -> dict[Mention, Mention]:
        """Pairs from ``A和B分别为x和y`` lists: the head/tail mentions before the cue in order with the RESULTs after it."""
        out: dict[Mention, Mention] = {}
        if not sent:
            return out
        s_start, s_end = doc.segments.bounds(doc.sentence[sent[0]])
        for rule in self.rules_of(rtype, "list"):
            for cue in rule["pattern"].finditer(doc.folded, s_start, s_end):
                before = [m for m in sent if m.end <= cue.start() and m.label in labels]
                after = [m for m in sent if m.start >= cue.end() and m.label == "RESULT"]
                before = _last_run(doc, before)
                values = _value_units(doc, _first_run(doc, after))
                if len(before) >= 2 and len(before) == len(values):
                    for tail, unit in zip(before, values):
                        for value in unit:
                            out[value] = tail
        return out

    def _measures(self, doc: _Text) -> Iterable[Relation]:
        after_rules = self.rules_of("measures", "after")
        for k in sorted(doc.by_sentence):
            sent = doc.by_sentence[k]
            paired = self._respective(doc, "measures", sent, ("ENDPOINT",))
            for i, m in enumerate(sent):
                if m.label != "RESULT":
                    continue
                tail = paired.get(m) or self._endpoint_after(doc, sent, i, after_rules)
                if tail is None:
                    before = [e for e in sent[:i] if e.label == "ENDPOINT"]
                    tail = before[-1] if before else None
                if tail is not None:
                    yield Relation("measures", m, tail)

    @staticmethod
    def _endpoint_after(doc: _Text, sent: list[Mention], i: int, after_rules: list[Rule]) -> Mention | None:
        """The ENDPOINT right after the RESULT ``sent[i]`` when the words between fit an ``after`` rule."""
        start = sent[i]
        for e in sent[i + 1:]:
            if e.label == "RESULT":
                if _SPACE.sub("", doc.between(start, e)) in _OPEN:
                    start = e  # the share in brackets after a count (11例(45.8%)出现X)
                    continue
                return None
            if e.label == "ENDPOINT":
                gap = _SPACE.sub("", doc.between(start, e)).lstrip(_CLOSE)
                return e if any(r["between"].fullmatch(gap) for r in after_rules) else None
        return None

    # ---- arm ------------------------------------------------------------------------------
    def _groups(self, doc: _Text) -> list[tuple[int, int, str, list[Mention] | None]]:
        """Group-name occurrences ``(start, end, name, drugs)``; a definition gives the group its drugs.

        ``drugs`` is None for a group that is never given a drug and is no control group: its results
        take the arm they would have without the group name."""
        group_rules, base_rules = self.rules_of("arm", "group"), self.rules_of("arm", "base")
        spans: list[tuple[int, int, bool]] = [(m.start(), m.end(), bool(rule.get("control")))
                                              for rule in group_rules for m in rule["pattern"].finditer(doc.folded)]
        for m in doc.mentions:  # a drug right before 组 names a group (伊马替尼组)
            after = _GROUP_AFTER.match(doc.folded, m.end)
            if m.label == "DRUG" and after:
                spans.append((m.start, after.end(), False))
        found: list[tuple[int, int, str, bool]] = []
        for start, end, control in sorted(spans, key=lambda se: (se[0], -se[1])):
            if not found or start >= found[-1][1]:
                found.append((start, end, name_key(doc.raw[start:end]), control))
        drugs_of: dict[str, list[Mention]] = {}
        previous: list[Mention] = []
        out = []
        for i, (start, end, name, control) in enumerate(found):
            k = doc.segments.index(start)
            s_end = doc.segments.bounds(k)[1]
            stop = min([s_end] + [f[0] for f in found[i + 1:] if f[0] >= end])
            stretch = [m for m in doc.by_sentence.get(k, ()) if start <= m.start and m.end <= stop]
            drugs = [m for m in stretch if m.label == "DRUG"]
            results = [m for m in stretch if m.label == "RESULT"]
            if drugs and not results:  # a definition: the group and what it was given
                text = doc.norm(end, stop)
                if any(r["pattern"].search(text) for r in base_rules) and previous:
                    drugs = previous + drugs
                if name not in drugs_of:
                    drugs_of[name] = drugs
                    previous = drugs
            inner = [m for m in doc.by_sentence.get(k, ()) if m.label == "DRUG" and start <= m.start and m.end <= end]
            out.append((start, end, name, control, inner))
        # a group named before it was defined (results in the title) still gets its drugs
        return [(s, e, n, drugs_of.get(n, d if d or c else None)) for s, e, n, c, d in out]

    def _arm(self, doc: _Text) -> Iterable[Relation]:
        groups = self._groups(doc)
        join, series = self.rules_of("arm", "join"), self.rules_of("arm", "series")
        drugs, study = doc.drugs, doc.study
        carried: tuple[int, list[Mention]] | None = None  # the last sentence's single arm, for results after it
        for k in sorted(doc.by_sentence):
            sent = doc.by_sentence[k]
            s_start, s_end = doc.segments.bounds(k)
            in_sentence = [g for g in groups if s_start <= g[0] < s_end]
            paired = self._respective_groups(doc, sent, in_sentence)
            names_drug = any(d.label == "DRUG" for d in sent)
            arms_here: list[list[Mention]] = []
            for i, m in enumerate(sent):
                if m.label != "RESULT":
                    continue
                arm: list[Mention] | None = paired.get(m)
                if arm is None:
                    before = [g for g in in_sentence if g[1] <= m.start]
                    if before:
                        arm = before[-1][3]
                if arm is None:
                    near = [d for d in sent[:i] if d.label == "DRUG"]
                    if near:
                        arm = _arm_phrase(doc, sent, near[-1], join, series, m)
                if arm is None and not names_drug and carried and k - carried[0] <= CARRY:
                    arm = carried[1]
                if arm is None and study is not None:
                    arm = [study]
                if arm:
                    arms_here.append(arm)
                for drug in arm or ():
                    tail = _nearest_of(drugs, drug, m)
                    if tail is not None:
                        yield Relation("arm", m, tail)
            if names_drug or in_sentence:
                distinct = {tuple(a) for a in arms_here}
                named = [d for d in sent if d.label == "DRUG"]
                if not arms_here and not in_sentence and len({_concept(d) for d in named}) == 1:
                    carried = (k, named[:1])  # a sentence about one drug, its results to follow
                else:
                    carried = (k, arms_here[0]) if len(distinct) == 1 and not in_sentence else None
            elif carried and all(a is carried[1] for a in arms_here):
                carried = (k, carried[1])  # a run of such sentences keeps the arm, and so does one with no result

    def _respective_groups(self, doc: _Text, sent: list[Mention], groups) -> dict[Mention, list[Mention]]:
        out: dict[Mention, list[Mention]] = {}
        if len(groups) < 2 or not sent:
            return out
        s_start, s_end = doc.segments.bounds(doc.sentence[sent[0]])
        for rule in self.rules_of("arm", "list"):
            for cue in rule["pattern"].finditer(doc.folded, s_start, s_end):
                before = [g for g in groups if g[1] <= cue.start()]
                values = _value_units(doc, _first_run(doc, [m for m in sent if m.start >= cue.end() and m.label == "RESULT"]))
                names = []
                for g in before:  # the list of distinct group names just before the cue
                    if g[2] not in [n[2] for n in names]:
                        names.append(g)
                names = names[-len(values):] if values else []
                if len(names) >= 2 and len(names) == len(values):
                    for g, unit in zip(names, values):
                        for value in unit:
                            out[value] = g[3]
        return out

    # ---- phase_of -------------------------------------------------------------------------
    def _phase_of(self, doc: _Text) -> Iterable[Relation]:
        implied = self.rules_of("phase_of", "implied")
        reach = max((r["sentences"] for r in implied), default=-1)
        in_sentence = bool(self.rules_of("phase_of", "pairs"))  # the phase_in_sentence rule switches this on
        drugs, study = doc.drugs, doc.study
        for k in sorted(doc.by_sentence):
            sent = doc.by_sentence[k]
            for m in sent:
                if m.label != "PHASE":
                    continue
                named = [t for t in sent if t.label in ("DRUG", "TRIAL") and not _other_phase_between(sent, m, t)]
                tails = [t for t in named if not self._blocked("phase_of", doc, m, t)] if in_sentence else []
                if not named and reach >= 0:
                    earlier = [d for j in range(max(0, k - reach), k + 1) for d in doc.by_sentence.get(j, ())
                               if d.label == "DRUG" and d.end <= m.start]
                    if not earlier and study is not None:  # the article's one drug, named further back
                        earlier = [d for d in drugs if d.end <= m.start and _concept(d) == _concept(study)]
                    tails = earlier[-1:]
                for t in tails:
                    yield Relation("phase_of", m, t)

    # ---- cue and pair rules ---------------------------------------------------------------
    def _cues(self, doc: _Text) -> Iterable[Relation]:
        for rtype, (heads, tails) in RELATION_TYPES.items():
            rules = self.rules_of(rtype, "cue")
            if not rules:
                continue
            aliases = self.rules_of(rtype, "alias")
            for k, sent in doc.by_sentence.items():
                s_start, s_end = doc.segments.bounds(k)
                for i, a in enumerate(sent):
                    for j in range(i + 1, len(sent)):
                        b = sent[j]
                        for rule in rules:
                            head, tail = (b, a) if rule["order"] == "tail_first" else (a, b)
                            if head.label not in heads or tail.label not in tails:
                                continue
                            if any(m.label == head.label for m in sent[i + 1:j]):
                                continue
                            if not rule["between"].fullmatch(doc.between(a, b)):
                                continue
                            before, after = rule.get("before"), rule.get("after")
                            if before is not None and not before.search(doc.norm(s_start, a.start)):
                                continue
                            if after is not None and not after.match(doc.norm(b.end, s_end)):
                                continue
                            for h in _chain(doc, sent, head, aliases):
                                for t in _partners(doc, sent, tail):
                                    yield Relation(rtype, h, t)
                            break

    def _pairs(self, doc: _Text) -> Iterable[Relation]:
        for rtype, (heads, tails) in RELATION_TYPES.items():
            if not self.rules_of(rtype, "pairs") or rtype == "phase_of":
                continue
            for sent in doc.by_sentence.values():
                for h in sent:
                    if h.label not in heads:
                        continue
                    for t in sent:
                        if t.label in tails and not self._blocked(rtype, doc, h, t):
                            yield Relation(rtype, h, t)

    def _blocked(self, rtype: str, doc: _Text, head: Mention, tail: Mention) -> bool:
        for rule in self.rules_of(rtype, "block"):
            m = head if rule["of"] == "head" else tail
            if rule["side"] == "left":
                text = doc.norm(max(0, m.start - rule["window"]), m.start)
                hit = rule["pattern"].search(text)
            else:
                hit = rule["pattern"].search(doc.norm(m.end, min(len(doc.raw), m.end + rule["window"])))
            if hit:
                return True
        return False


def _other_phase_between(sent: list[Mention], phase: Mention, trial: Mention) -> bool:
    """A trial with another PHASE between it and ``phase`` is that phase's (``I期…、III期试验X``)."""
    if trial.label != "TRIAL":
        return False
    lo, hi = (phase.end, trial.start) if phase.end <= trial.start else (trial.end, phase.start)
    return any(m.label == "PHASE" and m is not phase and lo <= m.start and m.end <= hi for m in sent)


def _chain(doc: _Text, sent: list[Mention], head: Mention, aliases: list[Rule]) -> list[Mention]:
    """``head`` and the names of the same drug written right after it (aliases in brackets)."""
    out = [head]
    same = [m for m in sent if m.label == head.label and m.start >= head.start]
    for a, b in zip(same, same[1:]):
        if not any(r["pattern"].fullmatch(doc.between(a, b)) for r in aliases):
            break
        out.append(b)
    return out


_LIST_GAP = regex.compile(r"\s*[)）]?\s*(?:[（(]|[,，、/]|及|和|与|以及)\s*")


def _partners(doc: _Text, sent: list[Mention], tail: Mention) -> list[Mention]:
    """``tail``, its bracketed partners and the names listed with it (``白介素4（IL-4）及白介素13``)."""
    out = [tail]
    for m in sent:
        if m.start < tail.end or m.label != tail.label:
            continue
        if not _LIST_GAP.fullmatch(doc.between(out[-1], m)):
            break
        out.append(m)
    return out


def _runs(doc: _Text, items: list[Mention], max_gap: int = 12) -> list[list[Mention]]:
    """Split mentions into runs whose gaps are short list connectors (no clause end, no other mention)."""
    runs: list[list[Mention]] = []
    for m in items:
        if runs:
            gap = doc.between(runs[-1][-1], m)
            adjacent = doc.order.get(m, -1) == doc.order.get(runs[-1][-1], -3) + 1
            if adjacent and len(gap) <= max_gap and not regex.search(r"[，,；;。]", gap):
                runs[-1].append(m)
                continue
        runs.append([m])
    return runs


def _last_run(doc: _Text, items: list[Mention]) -> list[Mention]:
    runs = _runs(doc, items)
    return runs[-1] if runs else []


def _first_run(doc: _Text, items: list[Mention]) -> list[Mention]:
    runs = _runs(doc, items)
    return runs[0] if runs else []


def _value_units(doc: _Text, values: list[Mention]) -> list[list[Mention]]:
    """Values of a list, a bracketed value joined to the one before it (``45%(9/20)``)."""
    units: list[list[Mention]] = []
    for v in values:
        if units and doc.between(units[-1][-1], v).strip() in _OPEN:
            units[-1].append(v)
        else:
            units.append([v])
    return units


def _arm_phrase(doc: _Text, sent: list[Mention], drug: Mention, join: list[Rule], series: list[Rule],
                result: Mention) -> list[Mention]:
    """The drug and the drugs joined to it by arm connectors (``A联合B``, ``A+B``, ``A、B和C``).

    When the drugs are only listed (series connectors) and the run of values holding ``result``
    has one value per drug, ``result`` belongs to the drug in its place (``A、B和C的tmax为1、2、3``).
    """
    drugs = [d for d in sent if d.label == "DRUG"]
    i = drugs.index(drug)
    arm, listed = [drug], True
    for step in (-1, 1):
        j = i
        while 0 <= j + step < len(drugs):
            a, b = (drugs[j + step], drugs[j]) if step < 0 else (drugs[j], drugs[j + step])
            gap = doc.between(a, b)
            if any(r["pattern"].fullmatch(gap) for r in join):
                listed = False
            elif not any(r["pattern"].fullmatch(gap) for r in series):
                break
            j += step
            arm.append(drugs[j])
    arm.sort(key=lambda d: d.start)
    if listed and len(arm) > 1:
        values = [m for m in sent if m.label == "RESULT" and m.start >= arm[-1].end]
        run = next((r for r in _runs(doc, values) if result in r), [])
        units = _value_units(doc, run)
        if len(units) == len(arm):
            return [arm[next(k for k, unit in enumerate(units) if result in unit)]]
    return arm


def _study_drug(drugs: list[Mention]) -> Mention | None:
    """The one drug an article is about: the most mentioned name when it has most of the DRUG mentions."""
    if not drugs:
        return None
    counts = Counter(_concept(d) for d in drugs)
    (top, n), *rest = counts.most_common()
    if rest and n < 0.6 * len(drugs):
        return None
    return next(d for d in drugs if _concept(d) == top)


def _concept(m: Mention) -> str:
    return str(m.attrs.get("canonical") or name_key(m.text))


def _nearest_of(drugs: list[Mention], drug: Mention, result: Mention) -> Mention | None:
    """The mention of ``drug``'s concept nearest before ``result``, else the nearest after."""
    same = [d for d in drugs if _concept(d) == _concept(drug)]
    before = [d for d in same if d.end <= result.start]
    if before:
        return before[-1]
    after = [d for d in same if d.start >= result.end]
    return after[0] if after else drug


def cooccurrence_baseline(raw: str, mentions: Iterable[Mention]) -> list[Relation]:
    """The issue's plain baseline: each RESULT to the nearest ENDPOINT and DRUG before it in its
    sentence; each DRUG and PHASE to every TARGET, DISEASE, TRIAL or DRUG of its sentence."""
    doc = _Text(raw, mentions, None)
    out = []
    for sent in doc.by_sentence.values():
        for i, m in enumerate(sent):
            if m.label == "RESULT":
                for label, rtype in (("ENDPOINT", "measures"), ("DRUG", "arm")):
                    before = [e for e in sent[:i] if e.label == label]
                    if before:
                        out.append(Relation(rtype, m, before[-1]))
            elif m.label in ("DRUG", "PHASE"):
                for t in sent:
                    for rtype, (heads, tails) in RELATION_TYPES.items():
                        if m.label in heads and t.label in tails and t is not m:
                            out.append(Relation(rtype, m, t))
    return out
