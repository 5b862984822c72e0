"""The trained tagger: BILUO coding, the perceptron, the component, its weights and their manifest."""

from __future__ import annotations

import json
import pickle
import random

import numpy
import pytest

import medie
from medie.components.tagger import Tagger
from medie.manifest import MANIFEST, check_manifest, write_manifest
from medie.pipeline import MODEL_DIR, load_classifier, load_tagger
from medie.run import PipelineSpec
from medie.tagging.features import char_classes, doc_features, shape
from medie.tagging.perceptron import Perceptron, biluo_tags, spans_to_tags, tags_to_spans

TAGS = biluo_tags(["A", "B"])


def test_biluo_round_trip():
    spans = [(0, 1, "A"), (2, 5, "B"), (5, 7, "A")]
    assert tags_to_spans(spans_to_tags(8, spans, TAGS), TAGS) == spans


def test_overlapping_gold_spans_keep_the_first():
    assert tags_to_spans(spans_to_tags(6, [(0, 3, "A"), (2, 5, "B")], TAGS), TAGS) == [(0, 3, "A")]


def test_decoding_never_breaks_biluo():
    model = Perceptron(TAGS)
    rng = numpy.random.default_rng(3)
    for _ in range(50):
        path = model._viterbi(rng.normal(size=(12, len(TAGS))) * 5, rng.normal(size=(len(TAGS) + 1, len(TAGS))))
        spans = tags_to_spans(path, TAGS)
        assert spans_to_tags(12, spans, TAGS) == path


def _toy(n: int, seed: int) -> list[tuple[list[list[str]], list[int]]]:
    """Sequences where 'x' is a one-token A and 'y z' a two-token B, among filler tokens."""
    rng, data = random.Random(seed), []
    for _ in range(n):
        words, spans = [], []
        for _ in range(rng.randint(3, 8)):
            kind = rng.choice(["x", "yz", "f", "g"])
            if kind == "x":
                spans.append((len(words), len(words) + 1, "A"))
                words.append("x")
            elif kind == "yz":
                spans.append((len(words), len(words) + 2, "B"))
                words += ["y", "z"]
            else:
                words.append(kind)
        feats = [["b", "w=" + w, "prev=" + (words[i - 1] if i else "<s>")] for i, w in enumerate(words)]
        data.append((feats, spans_to_tags(len(words), spans, TAGS)))
    return data


@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_perceptron_learns_a_toy_tagging(dropout):
    model = Perceptron(TAGS)
    model.fit(_toy(200, 1), epochs=5, dropout=dropout)
    for feats, gold in _toy(30, 2):
        assert model.predict(feats) == gold


def test_unknown_features_are_ignored():
    model = Perceptron(TAGS)
    model.fit(_toy(100, 1), epochs=3)
    assert model.predict([["b", "w=never-seen"], ["b", "w=x"]]) == [0, TAGS.index("U-A")]


def test_shapes_and_number_forms():
    assert shape("CD19") == "AA00"
    assert shape("抗体") == "HH"
    nlp = medie.load(trained=False)
    feats = doc_features(nlp.make_doc("缓解率为88.2%"), candidates=False, entities=False)
    assert "w=#00.0" in feats[4] and feats[4][0] == "b"


def _examples(nlp):
    """Invented sentences: a code-named drug (ZQ-xxxx) before 片 is a DRUG."""
    rng = random.Random(5)
    out = []
    for _ in range(40):
        code = f"ZQ-{rng.randint(1000, 9999)}"
        text = f"患者口服{code}片后病情稳定。"
        doc = nlp.make_doc(text)
        gold = nlp.make_doc(text)
        gold.ents = [gold.char_span(4, 4 + len(code), label="DRUG")]
        out.append((doc, gold))
    return out


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    nlp = medie.load(trained=False)
    tagger = Tagger("medie_tagger", ["DRUG"], mode="decide", candidates=False, entities=False, epochs=5)
    tagger.fit(_examples(nlp))
    path = tmp_path_factory.mktemp("tagger")
    tagger.to_disk(path)
    return nlp, tagger, path


def test_tagger_finds_an_unseen_code_name(trained):
    nlp, tagger, _ = trained
    doc = tagger(nlp.make_doc("患者口服ZQ-2718片后病情稳定。"))
    assert [(e.text, e.label_) for e in doc.ents] == [("ZQ-2718", "DRUG")]


def test_tagger_weights_round_trip(trained):
    nlp, tagger, path = trained
    again = Tagger("medie_tagger", ["DRUG"]).from_disk(path)
    doc = nlp.make_doc("患者口服ZQ-5150片后病情稳定。")
    assert [e.text for e in again(doc.copy()).ents] == [e.text for e in tagger(doc.copy()).ents]
    assert (path / MANIFEST).is_file()


def test_corrupt_tagger_weights_fail_naming_medie_train(trained, tmp_path):
    _, _, path = trained
    for name in ("cfg.json", "features.json", "weights.npy", "transitions.npy", MANIFEST):
        (tmp_path / name).write_bytes((path / name).read_bytes())
    data = bytearray((tmp_path / "weights.npy").read_bytes())
    data[-3] ^= 0xFF
    (tmp_path / "weights.npy").write_bytes(bytes(data))
    with pytest.raises(ValueError, match="weights.npy.*medie train --pipeline accurate"):
        Tagger("medie_tagger", ["DRUG"]).from_disk(tmp_path)
    (tmp_path / MANIFEST).unlink()
    with pytest.raises(FileNotFoundError, match="manifest"):
        Tagger("medie_tagger", ["DRUG"]).from_disk(tmp_path)


def test_untrained_tagger_says_how_to_train():
    nlp = medie.load(trained=False)
    with pytest.raises(RuntimeError, match="medie train --pipeline accurate"):
        Tagger("medie_tagger", ["DRUG"])(nlp.make_doc("文本"))
    with pytest.raises(ValueError, match="labels"):
        Tagger("medie_tagger", ["NOT_A_LABEL"])
    with pytest.raises(ValueError, match="mode"):
        Tagger("medie_tagger", ["DRUG"], mode="sometimes")


def test_flipped_byte_in_the_shipped_classifier_is_an_error(tmp_path):
    copy = tmp_path / "clf"
    for file in MODEL_DIR.rglob("*"):
        if file.is_file():
            target = copy / file.relative_to(MODEL_DIR)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(file.read_bytes())
    check_manifest(copy, "medie train")  # an exact copy passes
    data = bytearray((copy / "model").read_bytes())
    data[len(data) // 2] ^= 0x01
    (copy / "model").write_bytes(bytes(data))
    nlp = medie.load(trained=False, keep_untrained=True)
    with pytest.raises(ValueError, match="sha256.*medie train"):
        load_classifier(nlp, copy)


def test_manifest_lists_every_file(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.bin").write_bytes(b"1")
    (tmp_path / "sub" / "b.bin").write_bytes(b"2")
    write_manifest(tmp_path)
    (tmp_path / "sub" / "b.bin").unlink()
    with pytest.raises(FileNotFoundError, match="b.bin"):
        check_manifest(tmp_path, "medie train")


def test_shipped_pipelines_by_name():
    accurate = medie.load("accurate")
    assert "medie_tagger" in accurate.pipe_names and "medie_tagger" not in medie.load().pipe_names
    text = "该药物Ⅲ期临床试验的客观缓解率为45.2%。"
    assert {("Ⅲ期", "PHASE"), ("45.2%", "RESULT")} <= {(m.text, m.label) for m in medie.extract(text, accurate)}
    assert "medie_tagger" not in medie.load("accurate", trained=False).pipe_names
    with pytest.raises(FileNotFoundError, match="fast, accurate"):
        medie.load("precise")


def test_output_limits_what_the_tagger_adds():
    nlp = medie.load(trained=False)
    examples = []
    for code in ("ZQ-1234", "ZQ-5678", "ZQ-9012", "ZQ-3456"):
        text = f"患者口服{code}片的Ⅱ期研究。"
        gold = nlp.make_doc(text)
        gold.ents = [gold.char_span(4, 11, label="DRUG"), gold.char_span(13, 15, label="PHASE")]
        examples.append((nlp.make_doc(text), gold))
    both = Tagger("t", ["DRUG", "PHASE"], mode="fill", candidates=False, entities=False, epochs=5)
    both.fit(examples * 5)
    drug_only = Tagger("t", ["DRUG", "PHASE"], mode="fill", candidates=False, entities=False, epochs=5, output=["DRUG"])
    drug_only.fit(examples * 5)
    text = "患者口服ZQ-7777片的Ⅱ期研究。"
    assert {e.label_ for e in both(nlp.make_doc(text)).ents} == {"DRUG", "PHASE"}
    assert {e.label_ for e in drug_only(nlp.make_doc(text)).ents} == {"DRUG"}
    with pytest.raises(ValueError, match="output labels"):
        Tagger("t", ["DRUG"], output=["PHASE"])


def test_char_classes_take_the_label_a_character_mostly_belongs_to():
    names = [("甲替尼", "DRUG"), ("乙替尼", "DRUG"), ("丙替尼", "DRUG"), ("替代癌", "DISEASE"),
             ("肺癌", "DISEASE"), ("胃癌", "DISEASE"), ("肝癌", "DISEASE")]
    classes = char_classes(names)
    assert classes["替"] == "DRUG" and classes["尼"] == "DRUG" and classes["癌"] == "DISEASE"
    assert "甲" not in classes  # seen in one name only


def test_char_classes_travel_with_the_weights(tmp_path):
    nlp = medie.load(trained=False)
    tagger = Tagger("medie_tagger", ["DRUG"], mode="fill", candidates=False, entities=False, epochs=3, char_classes=True)
    tagger.fit(_examples(nlp), {"片": "DRUG", "稳": "ENDPOINT"})
    assert "cc=DRUG" in tagger.features(nlp.make_doc("口服片"))[2]
    tagger.to_disk(tmp_path)
    again = Tagger("medie_tagger", ["DRUG"]).from_disk(tmp_path)
    assert again.classes == {"片": "DRUG", "稳": "ENDPOINT"}
    doc = nlp.make_doc("患者口服ZQ-4321片后病情稳定。")
    assert [e.text for e in again(doc.copy()).ents] == [e.text for e in tagger(doc.copy()).ents]


def test_missing_shipped_tagger_names_the_rebuild_command(tmp_path):
    nlp = medie.load("accurate", trained=False, keep_untrained=True)
    with pytest.raises(FileNotFoundError, match="medie train --pipeline accurate"):
        load_tagger(nlp, tmp_path / "absent")


def test_accurate_pipeline_from_a_spec_and_in_analyze():
    spec = PipelineSpec(name="accurate")
    nlp = pickle.loads(pickle.dumps(spec)).load()
    assert "medie_tagger" in nlp.pipe_names
    analysis = medie.analyze("该药物Ⅲ期临床试验的客观缓解率为45.2%。", nlp)
    assert [(r.type, r.head.text, r.tail.text) for r in analysis.relations if r.type == "measures"] == [
        ("measures", "45.2%", "客观缓解率")]


def test_weights_trained_without_an_output_label_are_refused(trained):
    _, _, path = trained  # trained on DRUG only
    with pytest.raises(ValueError, match="trained without.*PHASE"):
        Tagger("medie_tagger", ["DRUG", "PHASE"], output=["PHASE"]).from_disk(path)


def test_cli_extract_with_the_accurate_pipeline(tmp_path, capsys):
    from medie.cli import main

    article = tmp_path / "a.txt"
    article.write_text("该药物Ⅲ期临床试验的客观缓解率为45.2%。", encoding="utf-8")
    assert main(["extract", str(article), "--pipeline", "accurate"]) == 0
    line = capsys.readouterr().out.strip().splitlines()[0]
    assert {"PHASE", "ENDPOINT", "RESULT"} <= {m["label"] for m in json.loads(line)["mentions"]}
    assert main(["extract", str(article), "--pipeline", str(tmp_path / "nowhere")]) == 1
    assert "fast, accurate" in capsys.readouterr().err
