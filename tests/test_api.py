"""Public API: medie.load, medie.extract, Mention."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import medie
from medie.text.pieces import chunk_bounds
from medie.mention import Mention


def test_extract_rejects_non_str():
    with pytest.raises(TypeError, match="bytes"):
        medie.extract(b"CD19")
    with pytest.raises(TypeError, match="NoneType"):
        medie.extract(None)


@pytest.mark.parametrize("text", ["", "   ", "\n\r\n\t\u3000"])
def test_empty_text_gives_no_mentions(text, nlp):
    assert medie.extract(text, nlp) == []


def test_mention_to_dict():
    m = Mention(3, 7, "TARGET", "CD19", {"canonical": "CD19"})
    assert m.to_dict() == {"start": 3, "end": 7, "label": "TARGET", "text": "CD19", "attrs": {"canonical": "CD19"}}


def test_load_rejects_unknown_override():
    with pytest.raises(TypeError, match="unknown override 'segmentr'"):
        medie.load(segmentr="char")


def test_load_missing_path_is_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="config.cfg missing"):
        medie.load(tmp_path / "nowhere")


def test_chunks_cover_text_at_sentence_ends():
    text = ("一项研究纳入了30例患者。\n" * 400)
    bounds = list(chunk_bounds(text, size=1000))
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))
    assert all(text[e - 2 : e] == "。\n" for _, e in bounds[:-1])
    assert all(e - s <= 1000 for s, e in bounds)


def test_long_text_offsets_match_short_text(nlp):
    sentence = "本研究中，靶向CD19的治疗取得Ⅱ期结果。\n"
    text = sentence * 3000
    mentions = list(medie.iter_mentions(text, nlp, chunk_chars=5000))
    for m in mentions:
        assert text[m.start : m.end] == m.text
    assert len(mentions) == 3000 * len(medie.extract(sentence, nlp))


def test_no_mention_is_lost_at_a_hard_cut(nlp):
    # no sentence end near the cut: the name and the figure straddle the piece boundary
    text = "患" * 1998 + "奥希替尼" + "治疗后缓解率为45.6%" + "患" * 50
    whole = medie.extract(text, nlp)
    cut = list(medie.iter_mentions(text, nlp, chunk_chars=2000))
    assert [(m.start, m.text, m.label) for m in cut] == [(m.start, m.text, m.label) for m in whole]
    assert ("奥希替尼", "DRUG") in {(m.text, m.label) for m in cut} and any(m.text == "45.6%" for m in cut)


NAMES = ["靶向GPRC5D", "GPRC5D", "多发性骨髓瘤(MM)", "MM", "奥希替尼", "客观缓解率为", "45.6%", "17例患者",
         "Ⅱ期", "治疗", "。", "，", "；", "\n", " ", "的", "HR=0.46", "QX-3021", "2022年"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(NAMES), min_size=1, max_size=80), st.integers(20, 120))
def test_pieces_give_the_mentions_of_the_whole_text(nlp, pieces, size):
    from medie.run import iter_piece_mentions

    text = "".join(pieces)
    whole = [m for piece in iter_piece_mentions(nlp, text, chunk_chars=10**9) for m in piece]
    cut = [m for piece in iter_piece_mentions(nlp, text, chunk_chars=size, margin=60) for m in piece]
    assert cut == whole


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["甲", "。", "\n", "乙丙", "。\n", " ", "\n\n", "ab"]), max_size=200),
       st.integers(4, 60), st.integers(0, 20), st.integers(1, 30))
def test_streamed_windows_cut_where_the_whole_text_is_cut(pieces, size, margin, block):
    from medie.text.pieces import stream_windows, text_windows

    text = "".join(pieces)
    blocks = [text[i : i + block] for i in range(0, len(text), block)]
    assert list(stream_windows(blocks, size, margin)) == list(text_windows(text, size, margin))


def test_a_large_file_is_read_block_by_block_with_the_same_output(tmp_path, capsys, monkeypatch):
    from medie.cli import main
    from medie.text import textio

    text = ("一项Ⅱ期研究纳入了30例患者,客观缓解率为45.6%,奥希替尼耐受良好。\n" * 3000)
    path = tmp_path / "big.txt"
    path.write_text(text, encoding="utf-8")
    assert main(["extract", str(path), "-o", str(tmp_path / "whole.jsonl")]) == 0
    monkeypatch.setattr(textio, "STREAM_BYTES", 1000)
    monkeypatch.setattr(textio, "BLOCK_BYTES", 4096)
    assert isinstance(textio.open_text(path), textio.TextFile)
    assert main(["extract", str(path), "-o", str(tmp_path / "streamed.jsonl")]) == 0
    assert (tmp_path / "streamed.jsonl").read_bytes() == (tmp_path / "whole.jsonl").read_bytes()
    # a large file that is not UTF-8 is read whole, with the usual detection
    (tmp_path / "gb.txt").write_bytes(text.encode("gb18030"))
    assert isinstance(textio.open_text(tmp_path / "gb.txt"), str)
