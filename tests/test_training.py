"""medie train, evaluate --cv and the rule tooling commands, on the corpus."""

from __future__ import annotations

import json

import medie
from medie.cli import main


def test_train_writes_a_loadable_pipeline(corpus_dir, tmp_path, capsys):
    out = tmp_path / "accurate"
    assert main(["train", "--pipeline", "accurate", "--corpus", str(corpus_dir), "--output", str(out)]) == 0
    assert "accurate pipeline trained" in capsys.readouterr().out
    nlp = medie.load(path=out)
    assert {"medie_classifier", "medie_tagger"} <= set(nlp.pipe_names)
    text = "该研究纳入30例患者,客观缓解率为80%。"
    assert ("80%", "RESULT") in {(m.text, m.label) for m in medie.extract(text, nlp)}


def test_train_refuses_to_write_into_an_unrelated_folder(corpus_dir, tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    assert main(["train", "--corpus", str(corpus_dir), "--output", str(tmp_path)]) == 2
    assert "not a medie pipeline" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_training_is_reproducible(corpus_dir, tmp_path, capsys):
    for name in ("a", "b"):
        assert main(["train", "--pipeline", "accurate", "--corpus", str(corpus_dir), "--output", str(tmp_path / name)]) == 0
    for part in ("medie_classifier/model", "medie_tagger/weights.npy", "medie_tagger/features.json"):
        assert (tmp_path / "a" / part).read_bytes() == (tmp_path / "b" / part).read_bytes(), part


def test_cross_validation_reports_every_system(corpus_dir, tmp_path, capsys):
    assert main(["evaluate", "--cv", "--folds", "3", "--corpus", str(corpus_dir), "--json", str(tmp_path / "cv.json")]) == 0
    out = capsys.readouterr().out
    for name in ("rules-only", "trained-only", "combined", "tagger-only", "accurate", "fold 1:", "fold 3:",
                 "traditional", "recall on unseen names"):
        assert name in out
    scores = json.loads((tmp_path / "cv.json").read_text(encoding="utf-8"))
    assert set(scores["folds"].values()) == {0, 1, 2}
    rules, combined = scores["systems"]["rules-only"]["pooled"], scores["systems"]["combined"]["pooled"]
    assert len(scores["systems"]["combined"]["per_fold"]) == 3
    unseen = scores["unseen_recall"]["accurate"]["DRUG"]
    assert unseen["total"] > 0 and 0 <= unseen["found"] <= unseen["total"]
    assert rules["micro"]["core"]["strict"]["f1"] >= 0.80
    for label in ("DRUG", "TARGET", "PHASE", "RESULT"):
        assert combined["labels"][label]["strict"]["f1"] >= rules["labels"][label]["strict"]["f1"] - 0.01, label


def test_folds_are_stratified_and_fixed():
    from medie.corpus.crossval import assign_folds

    ids = [f"00{i}_x.txt" for i in range(4)] + [f"news_{i:02d}.txt" for i in range(10)] + [f"abstract_{i:02d}.txt" for i in range(11)]
    folds = assign_folds(ids, 5)
    assert folds == assign_folds(reversed(ids), 5)
    for kind in ("news", "abstract"):
        assert {folds[i] for i in ids if i.startswith(kind)} == set(range(5))
    sizes = [list(folds.values()).count(f) for f in range(5)]
    assert max(sizes) - min(sizes) <= 1


def test_rules_commands(tmp_path, capsys):
    assert main(["rules", "check"]) == 0
    assert "all rule examples pass" in capsys.readouterr().out
    article = tmp_path / "a.txt"
    article.write_text("新药QX-3021联合未知药物ZZ99治疗HER2阳性胃癌,Ⅱ期研究ORR为52%。", encoding="utf-8")
    assert main(["rules", "test", str(article)]) == 0
    out = capsys.readouterr().out
    assert "pattern:drug_code" in out and "pattern:phase_roman" in out
    assert "'ZZ99'" in out  # a code shape no rule matched is listed for the user
