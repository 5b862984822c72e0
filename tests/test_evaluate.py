"""Scoring with hand-built predictions; the expected numbers are computed by hand."""

from __future__ import annotations

import json

import pytest

from medie.corpus.evaluate import format_report, read_predictions, score

TEXT = "CD19阳性患者,Ⅱ期,ORR为88.2%。"
GOLD = {
    "d.txt": [
        {"start": 0, "end": 4, "label": "TARGET", "text": "CD19", "attrs": {}},
        {"start": 9, "end": 11, "label": "PHASE", "text": "Ⅱ期", "attrs": {"phase": "2"}},
        {"start": 12, "end": 15, "label": "ENDPOINT", "text": "ORR", "attrs": {}},
        {"start": 16, "end": 21, "label": "RESULT", "text": "88.2%", "attrs": {"value": 88.2, "unit": "%"}},
    ]
}


def test_perfect_predictions_score_one():
    r = score(GOLD, GOLD)
    for mode in ("strict", "overlap"):
        assert r.micro["all"][mode]["f1"] == 1.0
        assert r.micro["core"][mode]["f1"] == 1.0
    assert r.attributes["PHASE.phase"] == {"accuracy": 1.0, "n": 1}
    assert r.attributes["RESULT.value"] == {"accuracy": 1.0, "n": 1}


def test_shifted_boundary_wrong_label_and_missing_span():
    pred = {
        "d.txt": [
            {"start": 0, "end": 3, "label": "TARGET"},            # shifted end
            {"start": 9, "end": 11, "label": "DISEASE"},          # wrong label
            {"start": 12, "end": 15, "label": "ENDPOINT"},         # right
            # RESULT missing
        ]
    }
    r = score(GOLD, pred)
    # strict, all labels: 1 TP of 3 predictions and 4 gold spans
    s = r.micro["all"]["strict"]
    assert s["precision"] == pytest.approx(1 / 3)
    assert s["recall"] == pytest.approx(1 / 4)
    assert s["f1"] == pytest.approx(2 * (1 / 3) * (1 / 4) / (1 / 3 + 1 / 4))
    # overlap, all labels: the shifted TARGET now counts, 2 of 3 and 2 of 4
    o = r.micro["all"]["overlap"]
    assert (o["precision"], o["recall"]) == (pytest.approx(2 / 3), pytest.approx(2 / 4))
    # core labels (TARGET, PHASE, RESULT gold; TARGET prediction only): strict 0, overlap P=1, R=1/3
    assert r.micro["core"]["strict"]["f1"] == 0.0
    assert r.micro["core"]["overlap"]["precision"] == 1.0
    assert r.micro["core"]["overlap"]["recall"] == pytest.approx(1 / 3)
    assert r.labels["DISEASE"]["strict"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "n_gold": 0, "n_pred": 1}
    assert r.labels["ENDPOINT"]["strict"]["f1"] == 1.0


def test_attribute_accuracy_counts_strict_matches_only():
    pred = {"d.txt": [dict(s) for s in GOLD["d.txt"]]}
    pred["d.txt"][1] = {**pred["d.txt"][1], "attrs": {"phase": "3"}}
    pred["d.txt"][3] = {**pred["d.txt"][3], "attrs": {"value": 88.2, "unit": "月"}}
    r = score(GOLD, pred)
    assert r.attributes["PHASE.phase"] == {"accuracy": 0.0, "n": 1}
    assert r.attributes["RESULT.value"] == {"accuracy": 1.0, "n": 1}
    assert r.attributes["RESULT.unit"] == {"accuracy": 0.0, "n": 1}


def test_errors_carry_context():
    pred = {"d.txt": GOLD["d.txt"][:3] + [{"start": 12, "end": 14, "label": "RESULT"}]}
    r = score(GOLD, pred, {"d.txt": TEXT}, context=3)
    kinds = [(e["kind"], e["text"]) for e in r.errors]
    assert kinds == [("FP", "OR"), ("FN", "88.2%")]
    assert r.errors[0]["context"] == "Ⅱ期,[OR]R为8"
    assert "micro core" in format_report(r)


def test_predictions_for_unknown_documents_are_rejected():
    with pytest.raises(ValueError, match="no gold: x.txt"):
        score(GOLD, {"x.txt": []})


def test_read_predictions_matches_by_file_name(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"id": "/some/where/d.txt", "mentions": GOLD["d.txt"]}) + "\n", encoding="utf-8")
    assert read_predictions(path, ["d.txt"]) == GOLD
    other = json.dumps({"id": "other.txt", "mentions": []})
    path.write_text(other + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="p.jsonl:1: document 'other.txt' has no gold"):
        read_predictions(path, ["d.txt"])
    without_gold: list[str] = []
    assert read_predictions(path, ["d.txt"], without_gold) == {} and without_gold == ["other.txt"]
    path.write_text('{"id": "d.txt", "mentions": [{"start": 1}]}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="p.jsonl:1: a mention lacks"):
        read_predictions(path, ["d.txt"])
