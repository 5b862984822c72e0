"""The Aho-Corasick lexicon matcher against a plain reference: the longest form at every start."""

from __future__ import annotations

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from medie.components.candidates import cuts_latin_word
from medie.components.lexicon_matcher import LexiconMatcher, _case_insensitive
from medie.rulefiles.lexicon import LexiconEntry

FORMS = [("肝细胞生长因子", "TARGET"), ("肝细胞生长因子受体", "TARGET"), ("肝细胞癌", "DISEASE"),
         ("泽布替尼", "DRUG"), ("布替", "DRUG"), ("zanubrutinib", "DRUG"), ("CD19", "TARGET"), ("CD1", "TARGET")]
ENTRIES = [LexiconEntry(form, label, form, ("test",), "t.tsv", i) for i, (form, label) in enumerate(FORMS, 1)]


def reference(text: str) -> list[tuple[int, int, str]]:
    """At each start, the longest exact form, else (ASCII start) the longest case-insensitive one."""
    lower = text.lower() if len(text.lower()) == len(text) else text
    out = []
    for i in range(len(text)):
        exact = [f for f, _ in FORMS if text.startswith(f, i)]
        folded = [f for f, _ in FORMS if _case_insensitive(f) and lower.startswith(f.lower(), i)] if text[i] < "\x80" else []
        pick = max(exact, key=len) if exact else max(folded, key=len) if folded else None
        if pick and not cuts_latin_word(text, i, i + len(pick)):
            out.append((i, i + len(pick), dict(FORMS)[pick]))
    return out


def run(text: str) -> list[tuple[int, int, str]]:
    nlp = spacy.blank("zh")
    doc = LexiconMatcher("lex", ENTRIES)(nlp.make_doc(text))
    return [(s.start_char, s.end_char, s.label_) for s in doc.spans["medie_candidates"]]


def test_a_form_at_the_end_of_the_text_is_found_when_a_longer_form_shares_its_start():
    assert run("检测肝细胞生长因子") == [(2, 9, "TARGET")]
    assert run("肝细胞生长因子受体和肝细胞癌") == [(0, 9, "TARGET"), (10, 14, "DISEASE")]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([f for f, _ in FORMS] + ["的", "和", "ab", "ZANUBRUTINIB", "9", " ", "受体", "CD"]), max_size=12))
def test_matches_the_reference_on_random_text(pieces):
    text = "".join(pieces)
    assert run(text) == reference(text)
