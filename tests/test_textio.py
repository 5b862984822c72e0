"""Encoding detection and its errors."""

from __future__ import annotations

import codecs

import pytest

from medie.text.textio import BinaryFileError, TextDecodeError, decode, read_text

SENTENCE = "一项Ⅱ期研究纳入了30例患者。"


@pytest.mark.parametrize(
    "data, codec",
    [
        (SENTENCE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + SENTENCE.encode("utf-8"), "utf-8-sig"),
        (SENTENCE.encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + SENTENCE.encode("utf-16-be"), "utf-16"),
        ("一项研究纳入了30例患者。".encode("gbk"), "gb18030"),
        (SENTENCE.encode("gb18030"), "gb18030"),
    ],
)
def test_detects_encoding(data, codec):
    text, used = decode(data, "x.txt")
    assert used == codec
    assert text.lstrip("\ufeff") in (SENTENCE, "一项研究纳入了30例患者。")


def test_binary_is_reported_with_offset():
    with pytest.raises(BinaryFileError, match=r"x\.bin: binary file \(NUL byte at offset 2\)"):
        decode(b"ab\x00cd", "x.bin")


def test_undecodable_names_file_and_offset():
    bad = "抗体".encode("utf-8") + b"\xff\xff\xff"
    with pytest.raises(TextDecodeError, match=r"bad\.txt: neither UTF-8 \(first bad byte at offset 6\)"):
        decode(bad, "bad.txt")


def test_explicit_encoding_overrides_and_reports(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("CD19 café".encode("latin-1"))
    assert read_text(path, encoding="latin-1") == "CD19 café"
    with pytest.raises(TextDecodeError, match="not valid utf-8 at byte offset 8"):
        read_text(path, encoding="utf-8")
    with pytest.raises(TextDecodeError, match="unknown encoding"):
        read_text(path, encoding="no-such-codec")


def test_latin1_that_happens_to_be_gb18030_is_reported_as_a_guess():
    data = "La réponse au traitement était bonne.".encode("latin-1")
    with pytest.raises(TextDecodeError, match=r"fr\.txt: not UTF-8 .* only a guess: pass --encoding"):
        decode(data, "fr.txt")
    assert decode(data, "fr.txt", encoding="latin-1")[0].startswith("La réponse")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_wide_unicode_without_bom_gets_a_hint(codec):
    data = "Phase 2 trial: 一项研究".encode(codec)
    with pytest.raises(BinaryFileError, match=f"pass --encoding {codec}"):
        decode(data, "wide.txt")


def test_lone_surrogates_name_their_offset():
    import medie

    with pytest.raises(ValueError, match="lone surrogate\\) at offset 4"):
        medie.extract("抗体治疗\ud800患者")
