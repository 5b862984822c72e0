"""The Aho-Corasick lexicon matcher against a plain reference: the longest form at every start."""

from __future__ import annotations

import shutil

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from medie.components.candidates import cuts_latin_word
from medie.components.lexicon_matcher import LexiconMatcher, _case_insensitive
from medie.rulefiles import rules_dir
from medie.rulefiles.lexicon import LexiconEntry, load_lexicons

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


# ---- the cache of built matchers -------------------------------------------------------------
CACHE_TEXT = "患者接受泽布替尼和帕博利珠单抗治疗肝细胞癌，CD19阳性，ORR为40%。"


def hits(matcher: LexiconMatcher, text: str = CACHE_TEXT) -> list[tuple[int, int, str]]:
    doc = matcher(spacy.blank("zh").make_doc(text))
    return [(s.start_char, s.end_char, s.label_, s.kb_id_, s.id_) for s in doc.spans["medie_candidates"]]


def test_a_cached_matcher_matches_and_holds_what_a_fresh_build_does(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIE_CACHE", str(tmp_path))
    fresh = LexiconMatcher("lex", load_lexicons())
    built = LexiconMatcher.from_rules("lex")  # builds and stores
    assert len(list((tmp_path / "lexicon").iterdir())) == 1
    cached = LexiconMatcher.from_rules("lex")  # reads it back
    assert hits(cached) == hits(built) == hits(fresh) and hits(fresh)
    assert cached.entries == fresh.entries
    excluded = LexiconMatcher.from_rules("lex", ["general"])  # another lexicon, another entry
    assert len(list((tmp_path / "lexicon").iterdir())) == 2 and len(excluded.entries) < len(fresh.entries)


def test_a_damaged_cache_entry_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIE_CACHE", str(tmp_path))
    expected = hits(LexiconMatcher.from_rules("lex"))
    (entry,) = (tmp_path / "lexicon").iterdir()
    entry.write_bytes(b"not a pickle")
    assert hits(LexiconMatcher.from_rules("lex")) == expected
    assert entry.read_bytes() != b"not a pickle"  # replaced by a good one


def test_an_edited_lexicon_is_not_served_from_the_cache(tmp_path, monkeypatch):
    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    monkeypatch.setenv("MEDIE_RULES", str(rules))
    monkeypatch.setenv("MEDIE_CACHE", str(tmp_path / "cache"))
    text = "患者接受奇特新名药治疗。"
    assert [h for h in hits(LexiconMatcher.from_rules("lex"), text) if h[2] == "DRUG"] == []
    with (rules / "lexicon" / "drugs.tsv").open("a", encoding="utf-8") as fh:
        fh.write("奇特新名药\tDRUG\t奇特新名药\t\tgeneral\n")
    assert [h[2] for h in hits(LexiconMatcher.from_rules("lex"), text)] == ["DRUG"]


def test_no_cache_when_it_is_off_or_cannot_be_written(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDIE_CACHE", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert hits(LexiconMatcher.from_rules("lex"))
    assert not (tmp_path / "xdg").exists()
    blocked = tmp_path / "a-file"
    blocked.write_text("x", encoding="utf-8")
    monkeypatch.setenv("MEDIE_CACHE", str(blocked))  # a file, so no folder can be made under it
    assert hits(LexiconMatcher.from_rules("lex"))


def test_an_automaton_pickles_and_keeps_its_first_entry_per_form():
    import pickle

    from medie.components.candidates import Automaton

    automaton = Automaton()
    automaton.add("单抗", "first")
    automaton.add("帕博利珠单抗", "long")
    automaton.add("单抗", "second")  # a form already added keeps its first value
    automaton.finish()
    again = pickle.loads(pickle.dumps(automaton))
    text = "使用帕博利珠单抗"
    assert again.longest(text) == automaton.longest(text) == {2: (6, "long"), 6: (2, "first")}
    again.add("单抗", "third")
    again.add("使用", "verb")
    again.finish()
    assert list(again.scan(text)) == [(0, 2, "verb"), (2, 8, "long")] and len(again) == 3
