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


def test_gold_is_valid_and_complete(docs, corpus_dir):
    from medie.corpus import documents_without_gold

    assert {d.id for d in docs} == {p.name for p in corpus_dir.glob("*.txt")}
    assert documents_without_gold(corpus_dir) == []
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
                assert s["attrs"]["phase"] in {"1", "1a", "1b", "2", "2a", "2b", "3", "4", "1/2", "2/3", "2b/3"}
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
    assert len(load_documents()) == len(read_gold())
    monkeypatch.setenv("MEDIE_CORPUS", str(tmp_path / "nowhere"))
    with pytest.raises(CorpusError, match="pass --corpus DIR or set MEDIE_CORPUS"):
        load_documents()


def test_dataset_dict(docs):
    ds = to_dataset(docs)
    assert ds["gold"].num_rows == len(docs)
    assert ds["gold"].features["spans"]["label"].feature.names == list(LABELS)
    first = ds["gold"][0]
    assert first["text"][first["spans"]["start"][0] : first["spans"]["end"][0]] == first["spans"]["text"][0]
    split = to_dataset(docs, holdout=docs[0].id)
    assert (split["train"].num_rows, split["test"].num_rows) == (len(docs) - 1, 1)


def test_every_gold_span_aligns_with_the_default_tokenizer(docs):
    total, missed = alignment_report(medie.load(trained=False), docs)
    assert total == sum(len(d.spans) for d in docs)
    assert (total - len(missed)) / total >= 0.995, [str(m) for m in missed]


def test_docbin_keeps_gold_entities(docs):
    nlp = medie.load(trained=False)
    docbin, missed = to_docbin(nlp, docs)
    restored = list(docbin.get_docs(nlp.vocab))
    assert sum(len(d.ents) for d in restored) == sum(len(d.spans) for d in docs) - len(missed)


def test_rules_keep_the_core_targets_on_the_seed_documents(docs, nlp):
    """The four seed documents keep the rules' first targets (strict core >= 0.92, each core label >= 0.85)."""
    from medie.corpus.evaluate import score
    from medie.corpus.train import predict

    seeds = [d for d in docs if d.id[:3].isdigit()]
    assert len(seeds) == 4
    report = score({d.id: d.spans for d in seeds}, predict(nlp, seeds))
    assert report.micro["core"]["strict"]["f1"] >= 0.92
    for label in ("DRUG", "TARGET", "PHASE", "RESULT"):
        assert report.labels[label]["strict"]["f1"] >= 0.85, label


def test_gold_import_never_replaces_without_being_told(docs, corpus_dir, tmp_path, capsys):
    from medie.cli import main

    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in read_gold()) + "\n", encoding="utf-8")
    before = gold.read_bytes()
    first = docs[0]
    export = tmp_path / "one.jsonl"
    export.write_text(json.dumps({"id": first.id, "text": first.text,
                                  "label": [[s["start"], s["end"], s["label"]] for s in first.spans[:3]]},
                                 ensure_ascii=False) + "\n", encoding="utf-8")
    args = ["gold", "import", "--format", "doccano", "--path", str(export), "--corpus", str(corpus_dir), "--gold", str(gold)]
    assert main(args) == 1
    assert f"already has gold for {first.id}: pass --replace" in capsys.readouterr().err
    assert gold.read_bytes() == before
    assert main(args + ["--replace"]) == 0
    out = capsys.readouterr().out
    assert f"replaced in the gold: {first.id}: {len(first.spans)} spans before, 3 after ({len(first.spans) - 3} removed, 0 new)" in out


def test_outside_a_checkout_the_corpus_must_be_named(monkeypatch, tmp_path):
    import medie.corpus.gold as gold_module

    monkeypatch.setattr(gold_module, "REPO", tmp_path)
    monkeypatch.delenv("MEDIE_CORPUS", raising=False)
    monkeypatch.delenv("MEDIE_GOLD", raising=False)
    with pytest.raises(CorpusError, match="pass --corpus DIR or set MEDIE_CORPUS"):
        gold_module.corpus_dir()
    with pytest.raises(CorpusError, match="pass --gold FILE or set MEDIE_GOLD"):
        gold_module.gold_path()
    (tmp_path / "g.jsonl").write_text("", encoding="utf-8")
    monkeypatch.setenv("MEDIE_GOLD", str(tmp_path / "g.jsonl"))
    assert gold_module.gold_path() == tmp_path / "g.jsonl"


def test_predictions_missing_documents_are_listed(corpus_dir, tmp_path, capsys):
    from medie.cli import main

    preds = tmp_path / "p.jsonl"
    first = read_gold()[0]
    preds.write_text(json.dumps({"id": first["doc"], "mentions": first["spans"]}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["evaluate", "--corpus", str(corpus_dir), "--predictions", str(preds)]) == 0
    n = len(read_gold()) - 1
    assert f"{n} gold documents have no predictions in {preds} (scored as empty)" in capsys.readouterr().err
    assert main(["evaluate", "--predictions", str(preds), "--rules-only"]) == 2
    assert main(["evaluate", "--verbose"]) == 2
