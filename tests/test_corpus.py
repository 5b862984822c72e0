"""The gold corpus: loading, checks, dataset and spaCy conversion, alignment. Uses ../shared/corpus."""

from __future__ import annotations

import json
import shutil

import pytest

import medie
from medie.corpus import CorpusError, alignment_report, load_documents, read_gold, to_dataset, to_docbin
from medie.mention import LABELS


@pytest.fixture(scope="module")
def docs(corpus_dir):
    return load_documents(corpus_dir)


def test_gold_is_valid_and_complete(docs):
    assert len(docs) == 4
    seen = set()
    for d in docs:
        prev_end = 0
        for s in d.spans:
            assert d.text[s["start"] : s["end"]] == s["text"]
            assert s["start"] >= prev_end
            prev_end = s["end"]
            seen.add(s["label"])
    assert seen == set(LABELS)


def test_attributes_follow_the_spec(docs):
    for d in docs:
        for s in d.spans:
            if s["label"] == "PHASE":
                assert s["attrs"]["phase"] in {"1", "1a", "1b", "2", "2a", "2b", "3", "4", "1/2", "2/3"}
            elif s["label"] == "RESULT":
                assert "value" in s["attrs"] or {"low", "high"} <= set(s["attrs"])
                assert all(v not in ("", None) for v in s["attrs"].values())


def test_changed_document_is_refused(corpus_dir, tmp_path):
    copy = tmp_path / "corpus"
    shutil.copytree(corpus_dir, copy)
    victim = sorted(copy.glob("*.txt"))[1]
    victim.write_text(victim.read_text(encoding="utf-8") + "。", encoding="utf-8")
    with pytest.raises(CorpusError, match=rf"{victim.name}: sha256 .* does not match"):
        load_documents(copy)


def test_broken_gold_line_names_file_and_line(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"doc": "a.txt", "sha256": "x", "spans": []}\n{"doc": \n', encoding="utf-8")
    with pytest.raises(CorpusError, match=rf"{gold}:2: not JSON"):
        read_gold(gold)


def test_span_text_mismatch_is_reported(corpus_dir, tmp_path):
    records = read_gold()
    records[0]["spans"][0]["text"] = "XX"
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"span at \d+: text 'XX' but the document has"):
        load_documents(corpus_dir, gold)


def test_corpus_env_variable_and_missing_folder(monkeypatch, corpus_dir, tmp_path):
    monkeypatch.setenv("MEDIE_CORPUS", str(corpus_dir))
    assert len(load_documents()) == 4
    monkeypatch.setenv("MEDIE_CORPUS", str(tmp_path / "nowhere"))
    with pytest.raises(CorpusError, match="pass --corpus DIR or set MEDIE_CORPUS"):
        load_documents()


def test_dataset_dict(docs):
    ds = to_dataset(docs)
    assert ds["gold"].num_rows == 4
    assert ds["gold"].features["spans"]["label"].feature.names == list(LABELS)
    first = ds["gold"][0]
    assert first["text"][first["spans"]["start"][0] : first["spans"]["end"][0]] == first["spans"]["text"][0]
    split = to_dataset(docs, holdout=docs[0].id)
    assert (split["train"].num_rows, split["test"].num_rows) == (3, 1)


def test_every_gold_span_aligns_with_the_default_tokenizer(docs):
    total, missed = alignment_report(medie.load(trained=False), docs)
    assert total == sum(len(d.spans) for d in docs)
    assert (total - len(missed)) / total >= 0.995, [str(m) for m in missed]


def test_docbin_keeps_gold_entities(docs):
    nlp = medie.load(trained=False)
    docbin, missed = to_docbin(nlp, docs)
    restored = list(docbin.get_docs(nlp.vocab))
    assert sum(len(d.ents) for d in restored) == sum(len(d.spans) for d in docs) - len(missed)


def test_rules_meet_the_core_targets_on_the_gold(docs):
    from medie.corpus.evaluate import score
    from medie.corpus.train import predict

    report = score({d.id: d.spans for d in docs}, predict(medie.load(trained=False), docs))
    assert report.micro["core"]["strict"]["f1"] >= 0.92
    for label in ("DRUG", "TARGET", "PHASE", "RESULT"):
        assert report.labels[label]["strict"]["f1"] >= 0.85, label


def test_evaluate_cli_on_pipeline_and_predictions_agree(corpus_dir, tmp_path, capsys):
    from medie.cli import main

    preds = tmp_path / "preds.jsonl"
    assert main(["extract", str(corpus_dir), "--output", str(preds)]) == 0
    assert main(["evaluate", "--corpus", str(corpus_dir), "--json", str(tmp_path / "a.json")]) == 0
    assert main(["evaluate", "--corpus", str(corpus_dir), "--predictions", str(preds), "--json", str(tmp_path / "b.json")]) == 0
    a = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    b = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert a["micro"] == b["micro"] and a["labels"] == b["labels"]
    captured = capsys.readouterr()
    assert "micro core" in captured.out
    # every corpus file was extracted; those without gold are named as not scored, not an error
    extracted = {json.loads(line)["id"].rsplit("/", 1)[-1] for line in preds.read_text(encoding="utf-8").splitlines()}
    assert extracted == {p.name for p in corpus_dir.glob("*.txt")}
    # against a gold of one document, the others are reported as not scored, not an error
    one = tmp_path / "one.jsonl"
    one.write_text(json.dumps(read_gold()[0], ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["evaluate", "--corpus", str(corpus_dir), "--gold", str(one), "--predictions", str(preds)]) == 0
    err = capsys.readouterr().err
    assert f"{len(extracted) - 1} documents in {preds} without gold, not scored" in err
    assert f"{len(extracted) - 1} corpus documents without gold, not scored" in err


def test_gold_export_import_round_trip(docs, corpus_dir, tmp_path, capsys):
    from medie.cli import main

    for fmt, path in (("doccano", tmp_path / "d.jsonl"), ("labelstudio", tmp_path / "ls.json"), ("brat", tmp_path / "brat")):
        assert main(["gold", "export", "--format", fmt, "--path", str(path)]) == 0
        new_corpus, new_gold = tmp_path / f"{fmt}-corpus", tmp_path / f"{fmt}-gold.jsonl"
        new_corpus.mkdir()
        assert main(["gold", "import", "--format", fmt, "--path", str(path), "--corpus", str(new_corpus), "--gold", str(new_gold)]) == 0
        again = load_documents(new_corpus, new_gold)
        assert [(d.id, d.spans) for d in again] == [(d.id, d.spans) for d in docs]
