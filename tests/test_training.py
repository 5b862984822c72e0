"""medie train, evaluate --cv and the rule tooling commands, on the corpus."""

from __future__ import annotations

import json

import medie
from medie.cli import main
from medie.pipeline import load_classifier


def test_train_writes_a_loadable_classifier(corpus_dir, tmp_path, capsys):
    out = tmp_path / "clf"
    assert main(["train", "--corpus", str(corpus_dir), "--output", str(out)]) == 0
    assert "classifier written to" in capsys.readouterr().out
    nlp = medie.load(trained=False, keep_untrained=True)
    load_classifier(nlp, out)
    text = "该研究纳入30例患者,客观缓解率为80%。"
    assert ("80%", "RESULT") in {(m.text, m.label) for m in medie.extract(text, nlp)}


def test_training_is_reproducible(corpus_dir, tmp_path, capsys):
    for name in ("a", "b"):
        assert main(["train", "--corpus", str(corpus_dir), "--output", str(tmp_path / name)]) == 0
    assert (tmp_path / "a" / "model").read_bytes() == (tmp_path / "b" / "model").read_bytes()


def test_cross_validation_reports_every_system(corpus_dir, tmp_path, capsys):
    assert main(["evaluate", "--cv", "--corpus", str(corpus_dir), "--json", str(tmp_path / "cv.json")]) == 0
    out = capsys.readouterr().out
    for name in ("rules, full lexicon", "rules-only", "trained-only", "combined"):
        assert name in out
    scores = json.loads((tmp_path / "cv.json").read_text(encoding="utf-8"))
    rules, combined = scores["rules-only"], scores["combined"]
    assert rules["micro"]["core"]["strict"]["f1"] >= 0.80
    for label in ("DRUG", "TARGET", "PHASE", "RESULT"):
        assert combined["labels"][label]["strict"]["f1"] >= rules["labels"][label]["strict"]["f1"] - 0.01, label


def test_rules_commands(tmp_path, capsys):
    assert main(["rules", "check"]) == 0
    assert "all rule examples pass" in capsys.readouterr().out
    article = tmp_path / "a.txt"
    article.write_text("新药QX-3021联合未知药物ZZ99治疗HER2阳性胃癌,Ⅱ期研究ORR为52%。", encoding="utf-8")
    assert main(["rules", "test", str(article)]) == 0
    out = capsys.readouterr().out
    assert "pattern:drug_code" in out and "pattern:phase_roman" in out
    assert "'ZZ99'" in out  # a code shape no rule matched is listed for the user
