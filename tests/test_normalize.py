"""Normalisation and its offset map."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from medie.text.normalize import REGIONAL, normalize, normalized_text

NOISY = st.lists(
    st.sampled_from(list("抗体治疗肿瘤患者期例ＣＤ１９％ⅡⅢ（），。CDHR0123456789.%-/ \n\r\t\u00a0\u200b\u3000\ufeff"
                         "單抗聯合療腫瘤與臨床試驗") + ["(fā)", "(yī)", "(a)", "（ｆā）", "胰臟", "胺酸", "攝護腺",
                                            "<sub>", "</sub>", "<I>", "<br>", "<b", ">"]),
    max_size=60,
).map("".join)


def normalizes(raw: str, text: str, span: tuple[int, int], piece: str) -> None:
    """``raw`` normalises to ``text``, and the normalised ``span`` maps back to ``piece`` of the raw text."""
    norm = normalize(raw)
    assert norm.text == text
    start, end = norm.to_raw(*span)
    assert raw[start:end] == piece


def test_pdf_layout_noise_is_removed_between_chinese_characters():
    normalizes("伊基\n\n仑赛注射液 治 疗", "伊基仑赛注射液治疗", (0, 7), "伊基\n\n仑赛注射液")


def test_full_width_ascii_and_roman_numerals_are_folded():
    norm = normalize("ＣＤ１９阳性，Ⅱ期，８８.２％")
    assert norm.text == "CD19阳性,II期,88.2%"
    assert norm.to_raw(7, 9) == (7, 8)  # both I of II come from the single Ⅱ


def test_space_between_latin_words_is_kept_once():
    norm = normalize("CD19  \n CAR-T\r\nphase\u00a02")
    assert norm.text == "CD19 CAR-T phase 2"


def test_zero_width_and_bom_are_dropped():
    assert normalize("\ufeffCD\u200b19").text == "CD19"


def test_edges_are_trimmed_and_empty_text_is_empty():
    assert normalize("  \n").text == ""
    assert normalize("\n 抗体 \n").text == "抗体"


def test_traditional_characters_become_simplified_one_for_one():
    normalizes("單抗聯合順鉑治療\n\n復發患者", "单抗联合顺铂治疗复发患者", (4, 6), "順鉑")
    assert normalize("单抗联合顺铂治疗复发患者").text == "单抗联合顺铂治疗复发患者"
    assert len(normalize("臨床試驗與療效").text) == 7


def test_pinyin_glosses_inside_words_are_layout_noise():
    normalizes("難治性癲癇部分性發(fā)作(ESL)", "难治性癫痫部分性发作(ESL)", (0, 10), "難治性癲癇部分性發(fā)作")
    assert normalize("剂量(mg)与(pH)").text == "剂量(mg)与(pH)"  # Latin in brackets is not a gloss
    assert normalize("持續（ｘù）時（shí）間").text == "持续时间"  # full-width brackets and letters too


def test_inline_html_tags_are_layout_noise_and_line_breaks_are_not():
    normalizes("补充维生素B<sub>6</sub>，测定H<SUP>+</SUP>浓度", "补充维生素B6,测定H+浓度", (2, 7), "维生素B<sub>6")
    assert normalize("A<br>B a<b c").text == "A<br>B a<b c"  # a line break tag and a bare sign stay


def test_regional_words_become_the_mainland_ones_and_keep_the_offsets():
    normalizes("急性胰臟炎與酪胺酸激酶，攝護\n腺癌", "急性胰腺炎与酪氨酸激酶,前列腺癌", (12, 16), "攝護\n腺癌")
    assert normalized_text("胰臟癌") == "胰腺癌"


def test_to_norm_inverts_to_raw():
    raw = "靶向 ＣＤ１９ 的\n\n治疗"
    norm = normalize(raw)
    s, e = norm.to_raw(2, 6)
    assert raw[s:e] == "ＣＤ１９"
    assert norm.to_norm(s, e) == (2, 6)


@settings(max_examples=300, deadline=None)
@given(NOISY)
def test_map_is_monotonic_and_inside_raw(raw):
    norm = normalize(raw)
    assert len(norm.src_start) == len(norm.text) == len(norm.src_end)
    assert all(a <= b for a, b in zip(norm.src_start, norm.src_start[1:]))
    assert all(a <= b for a, b in zip(norm.src_end, norm.src_end[1:]))
    assert all(0 <= s < e <= len(raw) for s, e in zip(norm.src_start, norm.src_end))


@settings(max_examples=300, deadline=None)
@given(NOISY, st.data())
def test_every_mapped_span_round_trips(raw, data):
    norm = normalize(raw)
    n = len(norm.text)
    if n == 0:
        return
    start = data.draw(st.integers(0, n - 1))
    end = data.draw(st.integers(start + 1, n))
    # spans that cut a folded character (the I of II from Ⅱ) cannot round-trip; widen them
    # mentions never start or end with a space
    while start < end and norm.text[start] == " ":
        start += 1
    while end > start and norm.text[end - 1] == " ":
        end -= 1
    if start == end:
        return
    while start > 0 and norm.src_start[start - 1] == norm.src_start[start]:
        start -= 1
    while end < n and norm.src_start[end] == norm.src_start[end - 1]:
        end += 1
    # so do spans that cut a regional word (胰|臟 becomes 胰腺 only as a whole); widen them too
    for word in set(REGIONAL.values()):
        for m in regex.finditer(regex.escape(word), norm.text):
            if m.start() < start < m.end():
                start = m.start()
            if m.start() < end < m.end():
                end = m.end()
    rs, re_ = norm.to_raw(start, end)
    piece = raw[rs:re_]
    assert piece and not piece[0].isspace() and not piece[-1].isspace()
    assert normalize(piece).text == norm.text[start:end]
    assert norm.to_norm(rs, re_) == (start, end)


@settings(max_examples=400, deadline=None)
@given(NOISY)
def test_bulk_normalisation_equals_the_character_by_character_reference(raw):
    from reference_normalize import reference_normalize

    from medie.text.normalize import normalized_text

    a, b = reference_normalize(raw), normalize(raw)
    assert (b.text, b.src_start, b.src_end) == (a.text, a.src_start, a.src_end)
    assert normalized_text(raw) == a.text


def test_bulk_normalisation_equals_the_reference_on_the_corpus(corpus_dir):
    from reference_normalize import reference_normalize

    for path in sorted(corpus_dir.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        a, b = reference_normalize(raw), normalize(raw)
        assert (b.text, b.src_start, b.src_end) == (a.text, a.src_start, a.src_end), path.name
