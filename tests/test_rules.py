"""Rule data: validation errors name file and line; shipped rules pass their own examples."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medie.rulefiles.lexicon import load_lexicons, read_lexicon
from medie.rulefiles.patterns import check_examples, load_span_patterns, read_context_rules, read_span_patterns
from medie.text.normalize import normalize
from medie.rulefiles import RuleError, rules_dir
from medie.rulefiles.check import check_rules

HEADER = "term\tlabel\tcanonical\taliases\tsource\n"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_rules_validate_and_pass_their_examples():
    result = check_rules()
    assert result.failures == []
    assert result.patterns >= 20 and result.context_rules >= 5


@pytest.mark.parametrize(
    "body, problem",
    [
        ("CD19\tGENE\tCD19\t\tgeneral\n", "unknown label 'GENE'"),
        ("CD19\tTARGET\tCD19\n", "expected 5 tab-separated fields, found 3"),
        ("CD19\tPHASE\tCD19\t\tgeneral\n", "found by patterns, not lexicons"),
        ("CD19\tTARGET\tCD19\tX\tgeneral\n", "shorter than 2 characters"),
        ("CD19\tTARGET\tCD19\t\t\n", "empty source"),
    ],
)
def test_lexicon_errors_name_file_and_line(tmp_path, body, problem):
    path = write(tmp_path, "t.tsv", "# comment\n" + HEADER + body)
    with pytest.raises(RuleError, match=problem) as info:
        read_lexicon(path)
    assert str(info.value).startswith(f"{path}:3:")


def test_lexicon_conflicting_labels_across_files(tmp_path):
    a = write(tmp_path, "a.tsv", HEADER + "XY-1\tDRUG\txy-1\t\tgeneral\n")
    b = write(tmp_path, "b.tsv", HEADER + "MOLX\tTARGET\tMOLX\tXY-1\tgeneral\n")
    with pytest.raises(RuleError, match=rf"{b}:2: 'XY-1' is TARGET here but DRUG at {a}:2"):
        load_lexicons([a, b])


def test_lexicon_excluded_sources_are_dropped(tmp_path):
    a = write(tmp_path, "a.tsv", HEADER + "新药甲\tDRUG\tx\t\tcorpus:d1.txt\n新药乙\tDRUG\ty\t\tgeneral|corpus:d1.txt\n")
    assert [e.form for e in load_lexicons([a], exclude_sources=["corpus:d1.txt"])] == ["新药乙"]


def rule(**fields):
    base = {"name": "r", "label": "RESULT", "pattern": r"\d+%", "examples": {"match": ["为[5%]"]}}
    base.update(fields)
    return json.dumps(base, ensure_ascii=False) + "\n"


@pytest.mark.parametrize(
    "line, problem",
    [
        (rule(pattern="(\\d+"), "bad regex"),
        (rule(label="NUMBER"), "unknown label 'NUMBER'"),
        ('{"name": "r", "label": ', "malformed JSON"),
        (rule(examples={"match": ["no brackets"]}), "has no \\[bracketed\\] mention"),
        (rule(prio=3), "unknown field\\(s\\) prio"),
    ],
)
def test_pattern_errors_name_file_and_line(tmp_path, line, problem):
    path = write(tmp_path, "p.jsonl", rule(name="first") + line)
    with pytest.raises(RuleError, match=problem) as info:
        read_span_patterns(path)
    assert str(info.value).startswith(f"{path}:2:")


def test_context_rule_errors(tmp_path):
    bad = {"name": "c", "labels": ["RESULT"], "side": "middle", "window": 3, "pattern": "^年", "action": "drop",
           "examples": {"match": ["[2022]年"]}}
    path = write(tmp_path, "c.jsonl", json.dumps(bad, ensure_ascii=False) + "\n")
    with pytest.raises(RuleError, match=rf"{path}:1: 'side' must be"):
        read_context_rules(path)
    good = json.dumps(dict(bad, side="right"), ensure_ascii=False)
    path.write_text(good + "\n" + good + "\n", encoding="utf-8")
    with pytest.raises(RuleError, match=rf"{path}:2: missing or duplicate rule name 'c'"):
        read_context_rules(path)


def test_failing_example_is_reported(tmp_path, monkeypatch):
    from medie.rulefiles.patterns import check_examples

    path = write(tmp_path, "p.jsonl", rule(examples={"match": ["为[5%]"], "nomatch": ["共7%"]}))
    failures = check_examples(read_span_patterns(path), [])
    assert len(failures) == 1 and "must not match in '共7%'" in failures[0]


def test_hostile_regex_is_flagged_and_stops_the_run(tmp_path, monkeypatch, capsys):
    import shutil

    import medie
    from medie.cli import main

    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    with open(rules / "patterns" / "drug.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"name": "greedy", "label": "DRUG", "pattern": "(a+)+$",
                             "examples": {"match": ["[aaa]"]}}) + "\n")
    monkeypatch.setenv("MEDIE_RULES", str(rules))
    assert main(["rules", "check"]) == 1
    out = capsys.readouterr().out
    assert "greedy: nested quantifier '(a+)+'" in out and "greedy: took" in out
    nlp = medie.load(trained=False)
    with pytest.raises(RuleError, match=r"drug\.jsonl:\d+: rule 'greedy' took longer than"):
        medie.extract("a" * 4999 + "b", nlp)


def test_requires_skips_texts_without_the_trigger_and_is_validated(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"name": "mark", "label": "DRUG", "pattern": "[A-Z][a-z]+(?=®)", "requires": ["®"],
                                "examples": {"match": ["[Xylo]®"]}}) + "\n", encoding="utf-8")
    pat = read_span_patterns(path)[0]
    assert list(pat.finditer("Xylo® and Zeta")) == [(0, 4)] and list(pat.finditer("Xylo and Zeta")) == []
    path.write_text(json.dumps({"name": "mark", "label": "DRUG", "pattern": "X", "requires": ["®"],
                                "examples": {"match": ["[X]"]}}) + "\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"p\.jsonl:1: match example '\[X\]' contains none of 'requires'"):
        read_span_patterns(path)
    path.write_text(json.dumps({"name": "mark", "label": "DRUG", "pattern": "X", "requires": "®",
                                "examples": {"match": ["[X]"]}}) + "\n", encoding="utf-8")
    with pytest.raises(RuleError, match="'requires' must be a list"):
        read_span_patterns(path)


ANCHORED = [p for p in load_span_patterns() if p.anchor is not None]
# characters that the anchored patterns and their examples are made of, plus punctuation and digits
ALPHABET = sorted({c for p in ANCHORED for ex in p.examples["match"] + p.examples["nomatch"] for c in ex} - set("[]")
                  | set("，。、；：（）()%0123456789 ."))


def test_some_shipped_patterns_are_anchored():
    assert {"disease_head_word", "drug_inn_chinese", "result_time"} <= {p.name for p in ANCHORED}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=80).map("".join))
def test_anchored_patterns_find_what_a_full_scan_finds_on_random_text(text):
    for pat in ANCHORED:
        assert list(pat.finditer(text)) == list(pat.finditer(text, anchored=False)), pat.name


def test_anchored_patterns_find_what_a_full_scan_finds_on_the_corpus(corpus_dir):
    for path in sorted(corpus_dir.glob("*.txt")):
        text = normalize(path.read_text(encoding="utf-8")).text
        for pat in ANCHORED:
            assert list(pat.finditer(text)) == list(pat.finditer(text, anchored=False)), (path.name, pat.name)


def test_a_wrong_anchor_is_caught_by_the_examples_check(tmp_path):
    path = write(tmp_path, "p.jsonl", rule(pattern="[甲乙]+癌", anchor={"pattern": "癌", "before": 1},
                                           examples={"match": ["[甲乙乙癌]"]}))
    failures = check_examples(read_span_patterns(path), [])
    assert any("the anchor misses matches" in f for f in failures)
    path.write_text(rule(anchor={"pattern": "X", "before": -1}))
    with pytest.raises(RuleError, match=r"p\.jsonl:1: the anchor's 'before' and 'after'"):
        read_span_patterns(path)
    path.write_text(rule(pattern=r"甲\K乙癌", anchor={"pattern": "癌", "before": 2}, examples={"match": ["甲[乙癌]"]}))
    with pytest.raises(RuleError, match=r"p\.jsonl:1: an anchored pattern cannot use"):
        read_span_patterns(path)
    path.write_text(rule(pattern="(甲乙癌", anchor={"pattern": "癌", "before": 2}, examples={"match": ["[甲乙癌]"]}))
    with pytest.raises(RuleError, match=r"p\.jsonl:1: bad regex: missing \) at position 4"):
        read_span_patterns(path)


def test_windows_longer_than_the_reach_are_tried_to_their_end(tmp_path):
    # anchors close together merge into one window wider than before + after + 1
    path = write(tmp_path, "p.jsonl", rule(pattern="(?<=[，。])[甲乙]{1,2}癌", anchor={"pattern": "癌", "before": 2},
                                           examples={"match": ["，[甲癌]"]}))
    [pat] = read_span_patterns(path)
    text = "癌癌癌癌癌癌，乙甲癌癌。甲癌"
    assert list(pat.finditer(text)) == list(pat.finditer(text, anchored=False)) == [(7, 10), (12, 14)]


def test_word_entries_load_and_other_unknown_labels_do_not(tmp_path):
    path = write(tmp_path, "w.tsv", HEADER + "注射\tWORD\tinjection\t\tgeneral\n")
    assert [e.label for e in read_lexicon(path)] == ["WORD"]
    path = write(tmp_path, "x.tsv", HEADER + "注射\tVERB\tinjection\t\tgeneral\n")
    with pytest.raises(RuleError, match=r"x\.tsv:2: unknown label 'VERB'"):
        read_lexicon(path)
