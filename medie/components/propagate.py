"""``medie_propagate``: one name, one label per document (see :class:`Propagator`)."""

from __future__ import annotations

import regex
from spacy.language import Language
from spacy.tokens import Doc

from ..mention import doc_text
from ..labels import SEEDS_KEY
from .candidates import Automaton, cuts_latin_word

NAME_LABELS = ("DRUG", "TARGET", "DISEASE", "TRIAL")
# a bracketed note that is a unit or a scale (吗啡(mg/kg), BCVA(logMAR)) is not an abbreviation of the name before it
_UNIT = regex.compile(r"(?i)(?:[mμunk]?g|m?l|iu|u|[mμn]?mol|kg|m2|m²|h|d|min|s|%|mmhg|[μu]m|nm|logmar|etdrs)"
                      r"(?:\s?/\s?(?:[mμunk]?g|m?l|kg|m2|m²|h|d|min|天|次|日))*")
_ABBREV = regex.compile(r"^\s?\(\s?([A-Za-z][A-Za-z0-9\-/.+]{0,15}(?: [A-Za-z0-9\-]{1,10}){0,2})\s?[),;]")
# an English gloss with its abbreviation after a Chinese name: 短暂性脑缺血发作(transient ischemic attack, TIA)
_GLOSS = regex.compile(r"^\s?\(\s?([A-Za-z][A-Za-z'’\-]*(?: [A-Za-z][A-Za-z'’\-]*){1,9})\s?[,;]\s?([A-Za-z][A-Za-z0-9\-]{1,9})\s?\)")
# a brand name in brackets after a drug's generic name: 奥沙利铂（艾恒）, 某某单抗(某瑞达®)
_BRAND = regex.compile(r"^\s?[(（]\s?(\p{Han}{2,4})\s?[®™]?\s?[)）]")
# bracketed words after a drug that are no brand: a route, a source, an arm, a kind or a comment
_NOT_BRAND = regex.compile(r"[的和与及或等为是在用对最次级见图表]|(?:口服|静脉|静滴|注射|皮下|肌注|外用|国产|进口|原研|仿制|试验|对照|联合|单药|"
                           r"每日|每天|每周|剂量|首次|商品|通用|简称|又称|即|如|证据|推荐|首选|优先|可选|批准|获批|上市|下同|以下)|"
                           r"(?:类|剂|药|组|期|型|段|片|针|液|方案|治疗)$")
# an antibody's name without its 单抗, as articles shorten it once it has been named: 依沃西单抗 → 依沃西
_SHORT_FORM = regex.compile(r"(\p{Han}{3,})单抗")
# the abbreviation that closes a bracket opened right before a recognised name: 狭窄(vertebral artery stenosis, VAS)
_OPENED = regex.compile(r"\(\s?$")
_CLOSING_ABBREV = regex.compile(r"^\s?[,;]\s?([A-Za-z][A-Za-z0-9\-]{1,9})\s?\)")


@Language.factory("medie_propagate", default_config={"labels": list(NAME_LABELS), "abbreviation_labels": list(NAME_LABELS)})
def make_propagator(nlp: Language, name: str, labels: list[str], abbreviation_labels: list[str]) -> "Propagator":
    return Propagator(name, labels, abbreviation_labels)


class Propagator:
    """One name, one label per document: a name found by a pattern (``靶向GPRC5D``) and the
    abbreviation written in brackets right after any recognised name (``多发性骨髓瘤(MM)``) are
    labelled at every other occurrence. Lexicon names need no help: the lexicon matcher finds every
    occurrence, and the context rules have judged each one. For ``abbreviation_labels`` (which may
    include ENDPOINT, whose own names are not spread) the bracketed abbreviation after a name, and
    an English gloss with its abbreviation (``最佳矫正视力(best corrected visual acuity, BCVA)``), and the
    abbreviation that closes the bracket a recognised name opens (``(vertebral artery stenosis, VAS)``), get
    the name's label wherever they occur; so do a Chinese brand name in brackets after a drug
    (``奥沙利铂（艾恒）``) and an antibody's name without its ``单抗`` (``依沃西`` for ``依沃西单抗``)."""

    def __init__(self, name: str, labels: list[str], abbreviation_labels: list[str] | None = None) -> None:
        self.name, self.labels = name, set(labels)
        self.abbreviation_labels = set(labels if abbreviation_labels is None else abbreviation_labels)

    def forms(self, doc: Doc) -> dict[str, tuple[str, str]]:
        """The names this component spreads in ``doc``: form → (label, canonical)."""
        text = doc_text(doc)
        forms: dict[str, tuple[str, str]] = {}
        for ent in doc.ents:
            after = text[ent.end_char : ent.end_char + 120]
            if ent.label_ in self.abbreviation_labels:
                g = _GLOSS.match(after)
                if g:
                    for form in g.groups():
                        forms.setdefault(form, (ent.label_, ent.kb_id_))
                elif ((closing := _CLOSING_ABBREV.match(after)) and _OPENED.search(text, max(0, ent.start_char - 2), ent.start_char)
                      and not _UNIT.fullmatch(closing.group(1))):
                    forms.setdefault(closing.group(1), (ent.label_, ent.kb_id_))
                elif ent.label_ not in self.labels:
                    m = _ABBREV.match(after)
                    if m and not _UNIT.fullmatch(m.group(1)):
                        forms.setdefault(m.group(1), (ent.label_, ent.kb_id_))
            if ent.label_ not in self.labels:
                continue
            if ent.label_ == "DRUG" and (b := _BRAND.match(after)) and not _NOT_BRAND.search(b.group(1)):
                forms.setdefault(b.group(1), (ent.label_, ent.kb_id_))
            if ent.label_ == "DRUG" and (short := _SHORT_FORM.fullmatch(ent.text)):
                forms.setdefault(short.group(1), (ent.label_, ent.kb_id_))
            if not ent.id_.startswith("lexicon:"):  # lexicon names are already found wherever they occur
                forms.setdefault(ent.text, (ent.label_, ent.kb_id_))
            m = _ABBREV.match(after)
            if m and not _UNIT.fullmatch(m.group(1)):
                forms.setdefault(m.group(1), (ent.label_, ent.kb_id_))
        return {f: v for f, v in forms.items() if len(f) >= 2}

    def __call__(self, doc: Doc) -> Doc:
        forms = self.forms(doc)
        for form, value in doc.user_data.get(SEEDS_KEY, {}).items():  # names found in other pieces of a long text
            forms.setdefault(form, value)
        if not forms:
            return doc
        text = doc_text(doc)
        automaton = Automaton()
        for form, value in forms.items():
            automaton.add(form, value)
        automaton.finish()
        taken = bytearray(len(doc))
        for ent in doc.ents:
            taken[ent.start : ent.end] = b"\x01" * len(ent)
        added = []
        for start, end, (label, canonical) in automaton.scan(text):
            if cuts_latin_word(text, start, end):
                continue
            span = doc.char_span(start, end, label=label, kb_id=canonical, span_id=f"propagate:{text[start:end]}")
            if span is None or any(taken[span.start : span.end]):
                continue
            taken[span.start : span.end] = b"\x01" * len(span)
            added.append(span)
        if added:
            doc.ents = sorted(list(doc.ents) + added, key=lambda s: s.start)
        return doc
