"""The context filter's once-per-document shortcuts (rules tried only where their sieve matches,
around rules searched once) give the same candidates as checking every one."""

from __future__ import annotations

import copy
import dataclasses

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

import medie
from medie.corpus import load_documents
from medie.rulefiles.patterns import ContextRule


@pytest.fixture(scope="module")
def rules_nlp():
    return medie.load(trained=False)


def _candidates(nlp, text: str, shortcut: bool) -> list[tuple[int, int, str]]:
    context = nlp.get_pipe("medie_context")
    with pytest.MonkeyPatch.context() as patch:
        if not shortcut:  # no sieves, and around rules searched per candidate
            context = copy.copy(context)
            context._set_rules([dataclasses.replace(rule, sieve=None) for rule in context.rules])
            patch.setattr(ContextRule, "scope", lambda self, text: None)
        doc = nlp.make_doc(text)
        for name in ("medie_lexicon", "medie_patterns"):
            doc = nlp.get_pipe(name)(doc)
        doc = context(doc)
    return [(s.start_char, s.end_char, s.label_) for s in doc.spans["medie_candidates"]]


def test_the_shortcut_only_applies_to_patterns_without_anchors():
    assert {r.name for r in medie.load(trained=False).get_pipe("medie_context").rules if r.slice_free} >= {"inside_url"}
    assert not any(r.slice_free and "^" in r.regex.pattern
                   for r in medie.load(trained=False).get_pipe("medie_context").rules)


def test_same_candidates_on_the_corpus(rules_nlp, corpus_dir):
    for d in load_documents(corpus_dir):
        assert _candidates(rules_nlp, d.text, True) == _candidates(rules_nlp, d.text, False), d.id


PIECES = ["见https://x.org/a?q=%E6%91%A9", "缓解率为85%", "ORR", "，", "www.example.com/25%", "3期", " ", "HER2", "\n",
          "盐酸", "吉非替尼", "片", "约", "第", "12", "岁", "型", "急性", "白血病", "(", ")", "占", "的", "CI", "例"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12))
def test_same_candidates_on_random_texts(rules_nlp, pieces):
    text = "".join(pieces)
    assert _candidates(rules_nlp, text, True) == _candidates(rules_nlp, text, False)


spans = st.lists(st.tuples(st.integers(0, 30), st.integers(1, 8), st.sampled_from(["RESULT", "DRUG"])), max_size=12)


@settings(max_examples=300, deadline=None)
@given(spans, spans)
def test_pieces_of_dropped_candidates_are_found_as_a_plain_scan_finds_them(dropped, kept):
    from spacy.tokens import Span

    from medie.components.context import _Dropped

    doc = spacy.blank("zh").make_doc("药" * 40)
    make = lambda items: [Span(doc, s, s + n, label=lab) for s, n, lab in items]  # noqa: E731
    index = _Dropped(make(dropped))
    for span in make(kept):
        plain = any(d.label_ == span.label_ and d.start_char <= span.start_char and span.end_char <= d.end_char
                    and (d.start_char, d.end_char) != (span.start_char, span.end_char) for d in make(dropped))
        assert index.contains(span) == plain


def test_the_rest_of_a_dropped_range_goes_with_it(rules_nlp):
    got = {(m.text, m.label) for m in medie.extract("该肿瘤约占颅内肿瘤的20%～30%，多见于成人。", rules_nlp)}
    assert not any(label == "RESULT" for _, label in got)
