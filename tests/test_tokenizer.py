"""The medie tokenizer: script boundaries, normalisation, serialisation."""

from __future__ import annotations

import pytest

import medie
from medie.mention import raw_offsets
from medie.text.tokenizer import MedieTokenizer


def words(nlp, text):
    return [t.text for t in nlp(text)]


def test_char_mode_keeps_latin_and_numbers_whole(nlp):
    assert words(nlp, "靶向CD19的CAR-T,总反应率88.2%") == [
        "靶", "向", "CD19", "的", "CAR", "-", "T", ",", "总", "反", "应", "率", "88.2", "%",
    ]


def test_a_dose_glued_to_a_name_is_cut_from_it_and_the_name_is_found(nlp):
    assert words(nlp, "DDP50mg和CD19CAR及B38M") == ["DDP", "50", "mg", "和", "CD19", "CAR", "及", "B38M"]
    doc = nlp("术后予OXA130MGD1，HER2阳性")
    assert [(e.text, e.label_) for e in doc.ents][:1] == [("OXA", "DRUG")]
    assert words(nlp, "ABC12mgX") == ["ABC12", "mgX"]  # a unit that runs on into a word is no dose


def test_doc_keeps_raw_text_and_map(nlp):
    raw = "伊基\n\n仑赛 注射液，ＣＤ１９"
    doc = nlp(raw)
    assert doc.text == "伊基仑赛注射液,CD19"
    cd19 = doc[-1]
    start, end = raw_offsets(doc, cd19.idx, cd19.idx + len(cd19))
    assert raw[start:end] == "ＣＤ１９"
    first = doc[0:7]
    assert raw[slice(*raw_offsets(doc, first.start_char, first.end_char))] == "伊基\n\n仑赛 注射液"


def test_unknown_segmenter_is_rejected(nlp):
    with pytest.raises(ValueError, match="unknown segmenter 'jieba'"):
        MedieTokenizer(nlp.vocab, segmenter="jieba")


def test_tokenizer_rejects_bytes(nlp):
    with pytest.raises(TypeError, match="bytes"):
        nlp.tokenizer(b"abc")


def test_pipeline_round_trips_through_disk(nlp, tmp_path):
    nlp.to_disk(tmp_path / "p")
    again = medie.load(tmp_path / "p")
    assert words(again, "CD19阳性") == words(nlp, "CD19阳性")


def test_pkuseg_segments_words_and_splits_scripts(tmp_path):
    pytest.importorskip("pkuseg", reason="the pkuseg extra is not installed")
    nlp = medie.load(segmenter="pkuseg")
    tokens = words(nlp, "多发性骨髓瘤患者接受CD19CAR-T治疗")
    assert "CD19" in tokens and "治疗" in tokens
    nlp.to_disk(tmp_path / "pk")
    assert words(medie.load(tmp_path / "pk"), "接受治疗") == ["接受", "治疗"]


def test_a_roman_numeral_character_after_latin_letters_is_its_own_token():
    import medie

    doc = medie.load(trained=False).make_doc("TrialXⅢ 期与XⅡb期")
    assert "III" in [t.text for t in doc] and "TrialX" in [t.text for t in doc]


def test_the_char_fast_path_gives_the_tokens_of_the_piece_by_piece_path(nlp, corpus_dir):
    import random

    from medie.text.normalize import normalize
    from medie.text.tokenizer import _ROMAN, _char_tokens

    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus_dir.glob("*.txt"))]
    rng = random.Random(5)
    alphabet = list("阿替尼a B1 2.5mg CD19CAR HER2 αβ，。 \n\t１２ｍｇ (x) ７8%-/") + ["DDP50MGD1", "OXA1.5g"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(2000)]
    checked = 0
    for text in texts:
        if _ROMAN.search(text):
            continue  # Roman numerals always take the piece-by-piece path
        norm = normalize(text)
        assert _char_tokens(norm.text) == nlp.tokenizer._tokens(text, norm, roman=False), text[:40]
        checked += 1
    assert checked > 2000
