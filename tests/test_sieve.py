"""Sieves (medie.rulefiles.sieve): a rule's regex without its assertions, trimmed to a literal head."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

import medie
from medie.rulefiles.patterns import load_context_rules
from medie.rulefiles.sieve import relaxed, sieve


def test_assertions_are_removed_and_the_rest_kept():
    assert relaxed(r"(?:约|近)$") == "(?:约|近)"
    assert relaxed(r"^\s?岁") == r"\s?岁"
    assert relaxed(r"(?<![A-Z])HER2(?!\d)\b") == "HER2"
    assert relaxed(r"[$^]x") == "[$^]x"  # inside a class they are characters
    assert relaxed(r"\$5") == r"\$5"
    assert relaxed(r"(?=\d)?a") == "a"  # a quantified assertion goes with its quantifier
    assert relaxed(r"[[\p{Han}]--[的]]{1,3}病$") == r"[[\p{Han}]--[的]]{1,3}病"


def test_constructs_that_removal_could_change_give_none():
    for pattern in (r"(?>ab|a)b", r"a++b", r"(a)\1", r"(?(1)a|b)", r"a\Kb"):
        assert relaxed(pattern) is None, pattern


def _sieve(pattern: str):
    return sieve(regex.compile(pattern, flags=regex.V1))


def test_a_sieve_is_the_literal_head_of_the_regex():
    assert _sieve(r"^[[\p{Han}]--[的]]{0,8}?(?:片|胶囊)") == ("片", "胶囊")
    assert _sieve(r"^\s?(?:的|以上的)?(?:患者|人群)") == ("患者", "人群")
    assert _sieve(r"(?:平均|中位)$") == ("平均", "中位")
    assert _sieve(r"(?:https?://|www\.)[!-~]+") == ("http", "www.")  # up to the optional s
    assert _sieve(r"阳性表达率?|\+{1,3}") == ("阳性表达", "+")
    assert _sieve(r"^\s?\d+") is None  # nothing literal that every match holds
    assert _sieve(r"[^。]*$") is None
    # each top-level branch gets its own sieve: a leading optional item is passed over in every branch
    assert _sieve(r"(?:注射用)?(?:盐酸|硫酸)$|注射用$") == ("盐酸", "硫酸", "注射用")
    assert _sieve(r"^\s?\d+[^。]{0,9}片|(?:皂)?苷") == ("片", "苷")
    assert _sieve(r"盐酸$|\d+$") is None  # one branch with nothing literal: no sieve
    assert _sieve(r"(?i)relapsed") is None  # case-insensitive
    # of the tails that open with a literal, the one with the longest strings: 原料 rather than 为
    assert _sieve(r"为(?:起始)?原料") == ("原料",)
    assert _sieve(r"^\s?不(?:得|应)?(?:少于|得过)") == ("少于", "得过")


def _starts(heads: tuple[str, ...], text: str) -> list[int]:
    return sorted(i for h in heads for i in range(len(text)) if text.startswith(h, i))


RULES = load_context_rules()
PIECES = ["约", "第", "3", "12.5", "%", "岁", "型", "盐酸", "片", "元", "(", ")", "CI", "占", "的", "患者", "，", "。",
          "平均", "急性", "随访", "治疗前", "男性", "mg", "/", "kg", "受理号", "www.", "a", " ", "基线", "为"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=14), st.data())
def test_every_window_a_rule_matches_holds_a_sieve_string(pieces, data):
    text = "".join(pieces)
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    for rule in RULES:
        if rule.sieve is not None and rule.match(text, start, end, rule.labels[0]) is not None:
            assert rule.near(_starts(rule.sieve, text), start, end), (rule.name, text, start, end)


def test_every_rule_example_that_applies_is_near_a_sieve_string():
    from medie.rulefiles.patterns import EXAMPLE
    from medie.text.normalize import normalize

    checked = 0
    for rule in RULES:
        if rule.sieve is None:
            continue
        for ex in rule.examples["match"]:
            m = EXAMPLE.search(ex)
            left, mention = normalize(ex[: m.start()]).text, normalize(m.group(1)).text
            text = left + mention + normalize(ex[m.end():]).text
            checked += 1
            assert rule.near(_starts(rule.sieve, text), len(left), len(left) + len(mention)), (rule.name, ex)
    assert checked > 40


def test_most_shipped_rules_have_a_sieve():
    assert sum(r.sieve is not None for r in medie.load(trained=False).get_pipe("medie_context").rules) >= 40


def test_the_context_filter_pickles_with_its_sieves():
    import pickle

    nlp = medie.load(trained=False)
    again = pickle.loads(pickle.dumps(nlp.get_pipe("medie_context")))
    doc = nlp.make_doc("该药在12岁以上患者中的有效率为80%。")
    for name in ("medie_lexicon", "medie_patterns"):
        doc = nlp.get_pipe(name)(doc)
    import copy

    a, b = nlp.get_pipe("medie_context")(copy.deepcopy(doc)), again(copy.deepcopy(doc))
    assert [(s.start_char, s.label_) for s in a.spans["medie_candidates"]] == \
           [(s.start_char, s.label_) for s in b.spans["medie_candidates"]]
