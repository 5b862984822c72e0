"""The context filter's once-per-document shortcut gives the same candidates as checking every one."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import medie
from medie.corpus import load_documents
from medie.rulefiles.patterns import ContextRule


@pytest.fixture(scope="module")
def rules_nlp():
    return medie.load(trained=False)


def _candidates(nlp, text: str, shortcut: bool) -> list[tuple[int, int, str]]:
    with pytest.MonkeyPatch.context() as patch:
        if not shortcut:
            patch.setattr(ContextRule, "absent_from", lambda self, text: False)
        doc = nlp.make_doc(text)
        for name in ("medie_lexicon", "medie_patterns", "medie_context"):
            doc = nlp.get_pipe(name)(doc)
    return [(s.start_char, s.end_char, s.label_) for s in doc.spans["medie_candidates"]]


def test_the_shortcut_only_applies_to_patterns_without_anchors():
    assert {r.name for r in medie.load(trained=False).get_pipe("medie_context").rules if r.slice_free} >= {"inside_url"}
    assert not any(r.slice_free and "^" in r.regex.pattern
                   for r in medie.load(trained=False).get_pipe("medie_context").rules)


def test_same_candidates_on_the_corpus(rules_nlp, corpus_dir):
    for d in load_documents(corpus_dir):
        assert _candidates(rules_nlp, d.text, True) == _candidates(rules_nlp, d.text, False), d.id


PIECES = ["见https://x.org/a?q=%E6%91%A9", "缓解率为85%", "ORR", "，", "www.example.com/25%", "3期", " ", "HER2", "\n"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12))
def test_same_candidates_on_random_texts(rules_nlp, pieces):
    text = "".join(pieces)
    assert _candidates(rules_nlp, text, True) == _candidates(rules_nlp, text, False)
